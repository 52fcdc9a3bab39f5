import Foundation
import PostgresClient
import TestSupport
import XCTest

/// What real dbt projects lean on beyond ref/source/config, built against a real PostgreSQL
/// (Tests/Fixtures/dbt_macros_project): `adapter.dispatch` to a project's postgres__/default__
/// macros, dbt's global cross-database macros (their compiled text is checked against dbt-core in
/// DbtProjectTests; here, what PostgreSQL makes of it), `run_query` behind `execute`, and a hook
/// that runs a query.
final class DbtMacrosTests: XCTestCase {
    func testDispatchGlobalMacrosAndRunQueryBuildOnPostgres() throws {
        let fixture = try ProjectFixture("dbt_macros_project")
        let db = try TestDatabase.connect()
        let build = try fixture.rops(["build"])
        XCTAssertEqual(build.status, 0, build.all)
        XCTAssertTrue(build.stdout.contains("4 ok, 0 error"), build.stdout)
        let schema = "public_\(fixture.prefix)"

        let dates = try db.query("select * from \(schema).dates")[0]
        XCTAssertEqual(dates["years"].double, 2, "calendar years crossed, not full years")
        XCTAssertEqual(dates["months"].double, 1)
        XCTAssertEqual(dates["weeks"].int, 2)
        XCTAssertEqual(dates["hours"].double, 2)
        XCTAssertEqual(dates["month_later"].string, "2020-02-29 00:00:00")
        XCTAssertEqual(dates["february_end"].string, "2020-02-29")
        XCTAssertEqual(dates["quarter_end"].string, "2020-06-30")
        XCTAssertEqual(dates["second_part"].string, "b")
        XCTAssertEqual(dates["last_part"].string, "c", "a negative part counts from the end")
        XCTAssertEqual(dates["joined"].string, "x-y")
        XCTAssertEqual(dates["answer"].int, 42)
        XCTAssertEqual(dates["sunday"].int, 7, "default__weekday, reached through adapter.dispatch")
        XCTAssertEqual(dates["dollars"].double, 19.99, "postgres__cents_to_dollars")
        XCTAssertEqual(dates["own_hash"].string, "0CC175B9C0F1B6A831C399E269772661", "the project's hash() shadows dbt's")
        XCTAssertEqual(dates["dbt_hash"].string, "0cc175b9c0f1b6a831c399e269772661", "dbt.hash is dbt's")

        let spine = try db.query("select date_day::date::text as day from \(schema).spine order by 1").map { $0["day"].string! }
        XCTAssertEqual(spine, ["2020-02-27", "2020-02-28", "2020-02-29", "2020-03-01"])

        let pivot = try db.query("select * from \(schema).payments_by_method")[0]
        XCTAssertEqual(pivot["card_cents"].int, 1500, "columns from run_query at build time")
        XCTAssertEqual(pivot["coupon_cents"].int, 250)
        XCTAssertEqual(pivot["gift_card_cents"].int, 100)
        XCTAssertEqual(pivot["methods_in_order"].string, "card, coupon, card, gift card")
        XCTAssertEqual(try db.query("select obj_description('\(schema).payments_by_method'::regclass) as c")[0]["c"].string,
                       "methods: 3", "the post-hook ran its query")

        // Compiling the whole project up front, execute is false and run_query returns none, as in
        // dbt's parse: the model compiles to its placeholder branch instead of failing.
        let compile = try fixture.rops(["compile"])
        XCTAssertEqual(compile.status, 0, compile.all)
        let compiled = try String(contentsOfFile: fixture.root + "/target/compiled/dbt_macros/models/payments_by_method.sql", encoding: .utf8)
        XCTAssertFalse(compiled.contains("card_cents"), compiled)
        XCTAssertTrue(compiled.contains("string_agg("), compiled)
    }

    func testDispatchWithoutAnImplementationNamesBothCandidates() throws {
        let fixture = try ProjectFixture("dbt_macros_project")
        try fixture.write("models/broken.sql", "select {{ adapter.dispatch('missing_macro', 'dbt_macros')() }} as x")
        let compile = try fixture.rops(["compile"])
        XCTAssertNotEqual(compile.status, 0)
        XCTAssertTrue(compile.stderr.contains("models/broken.sql"), compile.stderr)
        XCTAssertTrue(compile.stderr.contains("postgres__missing_macro") && compile.stderr.contains("default__missing_macro"), compile.stderr)
    }
}
