import Foundation
import PostgresClient
import TestSupport
import XCTest

/// `rops test` and `rops build` on a project with deliberately broken data.
final class DataTestTests: XCTestCase {
    func prepare() throws -> (ProjectFixture, PostgresConnection) {
        let fixture = try ProjectFixture("test_project")
        let db = try TestDatabase.connect()
        let raw = fixture.prefix + "_raw"
        try db.executeScript("""
            drop schema if exists \(raw) cascade;
            create schema \(raw);
            create table \(raw).customers (id int, status text);
            insert into \(raw).customers values (1, 'active'), (2, 'closed'), (2, 'active'), (3, 'bogus'), (null, 'active');
            create table \(raw).orders (id int, customer_id int, amount numeric);
            insert into \(raw).orders values (1, 1, 10.0), (2, 2, -5), (3, 9, 7), (4, 1, 3);
            """)
        return (fixture, db)
    }

    /// `data_tests:` in the project file sets every test's defaults, by folder as `models:` does;
    /// a test's own `config:` still wins.
    func testProjectTestDefaultsApplyToGenericAndSingularTests() throws {
        let (fixture, db) = try prepare()
        try fixture.write("project.yml", """
            name: testing
            models:
              +materialized: table
              +schema: __S___m
            data_tests:
              +severity: warn
              +store_failures: true
            """)
        try fixture.write("tests/every_order.sql", "select * from {{ ref('orders') }}\n")
        XCTAssertEqual(try fixture.rops(["run"]).status, 0)
        let outcome = try fixture.rops(["test"])
        XCTAssertTrue(outcome.stdout.contains("WARN  every_order"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("WARN  not_null_customers_id"), outcome.stdout)
        // A singular test's audit table goes to the project's default schema + _audit.
        let audit = try XCTUnwrap(try db.query("""
            select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relname = 'every_order' and n.nspname like '%\\_audit'
            """).first?["name"].string)
        XCTAssertEqual(try db.query("select count(*)::int as n from \(audit)")[0]["n"].int, 4)
        XCTAssertEqual(try db.query("select to_regclass('\(fixture.prefix)_m_audit.not_null_customers_id') is not null as present")[0]["present"].bool, true)
    }

    func testEachTestKindCatchesExactlyTheBrokenRows() throws {
        let (fixture, db) = try prepare()
        XCTAssertEqual(try fixture.rops(["run"]).status, 0)
        let outcome = try fixture.rops(["test", "--junit", "target/junit.xml"])
        XCTAssertEqual(outcome.status, 1, outcome.all)
        func resultLine(_ name: String) -> String { outcome.stdout.split(separator: "\n").first { $0.contains(" \(name) ") }.map(String.init) ?? "" }
        let expectations: [(String, String)] = [
            ("not_null_customers_id", "FAIL  not_null_customers_id"), ("unique_customers_id", "FAIL  unique_customers_id"),
            ("closed_customers_have_ids", "PASS  closed_customers_have_ids"),
            ("accepted_values_customers_status", "FAIL  accepted_values_customers_status"),
            ("relationships_orders_customer_id", "FAIL  relationships_orders_customer_id"),
            ("is_positive_orders_amount", "FAIL  is_positive_orders_amount"),
            ("no_big_orders", "PASS  no_big_orders"),
        ]
        for (name, expected) in expectations { XCTAssertTrue(resultLine(name).contains(expected), "\(name): \(resultLine(name))\n\(outcome.stdout)") }
        XCTAssertTrue(outcome.stdout.contains("FAIL  row_count_customers_"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("FAIL  recency_orders_"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("PASS  unique_combination_orders_"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("PASS  row_conservation_orders_"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("WARN  expression_is_true_orders_"), "severity: warn\n" + outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("WARN  equal_row_count_orders_"), "error_if >10 turns 1 failure into a warning\n" + outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("Finished in"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("4 pass, 2 warn, 7 fail, 0 error"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("reproduce: select"), outcome.stdout)
        // Exactly the broken rows: one null id, one duplicated id, one bogus status, one orphan, one negative amount.
        XCTAssertTrue(resultLine("not_null_customers_id").contains("[1 rows"), resultLine("not_null_customers_id"))
        XCTAssertTrue(resultLine("relationships_orders_customer_id").contains("[1 rows"), resultLine("relationships_orders_customer_id"))
        XCTAssertEqual(try fixture.scalar(db, "select string_agg(id::text, ',') from __S___m_audit.is_positive_orders_amount").string, "2")
        let junit = try String(contentsOfFile: fixture.root + "/target/junit.xml", encoding: .utf8)
        XCTAssertTrue(junit.contains("<testsuites tests=\"13\" failures=\"7\" errors=\"0\""), junit)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fixture.root + "/target/compiled/testing/tests/unique_customers_id.sql"))
        // Selection: only the tests of customers.
        let some = try fixture.rops(["test", "-s", "customers"])
        XCTAssertTrue(some.stdout.contains("Running 5 tests"), some.stdout)
    }

    func testBuildRunsTestsAfterEachModelAndSkipsDescendantsOfFailures() throws {
        let (fixture, _) = try prepare()
        let outcome = try fixture.rops(["build"])
        XCTAssertEqual(outcome.status, 1, outcome.all)
        XCTAssertTrue(outcome.stdout.contains("SKIP  view \"\(fixture.prefix)_m\".\"order_report\""), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("skipped: tests of 'orders' failed") || outcome.stdout.contains("SKIP"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("Tests: "), outcome.stdout)

        // Fix the data: every test passes or warns, and the report builds.
        let db = try TestDatabase.connect()
        try db.executeScript("""
            delete from \(fixture.prefix)_raw.customers where id is null or status = 'bogus' or (id = 2 and status = 'active');
            delete from \(fixture.prefix)_raw.orders where customer_id = 9 or amount < 0;
            """)
        try fixture.write("models/orders.sql", "select id, customer_id, amount, now() as created_at, id % 2 as day from {{ source('shop', 'orders') }}")
        let fixed = try fixture.rops(["build"])
        XCTAssertEqual(fixed.status, 0, fixed.all)
        XCTAssertTrue(fixed.stdout.contains("OK    view \"\(fixture.prefix)_m\".\"order_report\""), fixed.stdout)
    }

    func testUnknownTestNamesTheFileAndLine() throws {
        let fixture = try ProjectFixture("test_project")
        try fixture.write("models/extra.yml", "version: 2\nmodels:\n  - name: order_report\n    columns:\n      - name: orders\n        tests: [not_nul]\n")
        try fixture.remove("models/schema.yml")
        try fixture.write("models/sources.yml", "version: 2\nsources:\n  - name: shop\n    schema: __S___raw\n    tables: [{name: customers}, {name: orders}]\n")
        let outcome = try fixture.rops(["test"])
        XCTAssertEqual(outcome.status, 1, outcome.all)
        XCTAssertTrue(outcome.stderr.contains("models/extra.yml:6"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("unknown test 'not_nul'; did you mean 'not_null'?"), outcome.stderr)
    }
}
