import Foundation
import PostgresClient
import TestSupport
import XCTest

/// `--state`: a run's target/ kept aside, then the project edited: state:modified (body, configs,
/// upstream macros), state:new, result:error, and `--defer` building one model in another
/// environment against the relations of the state's run.
final class StateTests: XCTestCase {
    func list(_ fixture: ProjectFixture, _ selector: String, state: String) throws -> [String] {
        let run = try fixture.rops(["ls", "--select", selector, "--state", state])
        XCTAssertEqual(run.status, 0, run.all)
        return run.stdout.split(separator: "\n").map { String($0.split(separator: " ").last ?? "") }.filter { !$0.isEmpty }.sorted()
    }

    func testStateSelectorsAndDefer() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        let first = try fixture.rops(["run"])
        XCTAssertEqual(first.status, 0, first.all)
        let state = try TemporaryFolder.make(prefix: "rops-state")
        try FileManager.default.removeItem(atPath: state)
        try FileManager.default.copyItem(atPath: fixture.root + "/target", toPath: state)

        XCTAssertEqual(try list(fixture, "state:modified", state: state), [], "nothing changed yet")
        try fixture.write("models/staging/stg_customers.sql",
                          "{{ config(indexes=[{'columns': ['customer_id'], 'unique': true}]) }}\n\nselect id::integer as customer_id, upper(name) as name from {{ source('shop', 'customers') }}\n")
        try fixture.write("macros/money.sql", "{% macro to_money(column) -%}\n    round({{ column }}::numeric, 3)\n{%- endmacro %}\n")
        try fixture.write("models/queries/order_count.sql", "{{ config(tags=['hourly']) }}\nselect count(*) as orders from {{ ref('stg_orders') }}\n")
        try fixture.write("models/queries/new_model.sql", "select 1 as one\n")

        XCTAssertEqual(try list(fixture, "state:modified.body", state: state), ["stg_customers", "order_count"].sorted())
        XCTAssertEqual(try list(fixture, "state:modified.macros", state: state), ["stg_orders"])
        XCTAssertEqual(try list(fixture, "state:modified.configs", state: state), ["order_count"])
        XCTAssertEqual(try list(fixture, "state:new", state: state), ["new_model"])
        XCTAssertEqual(try list(fixture, "state:modified", state: state), ["new_model", "order_count", "stg_customers", "stg_orders"])
        XCTAssertTrue(try list(fixture, "state:modified+", state: state).contains("customer_summary"), "descendants of the modified")
        let missing = try fixture.rops(["ls", "--select", "state:modified"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("pass --state"), missing.stderr)

        // result:error reads the state's run_results.json.
        try fixture.write("models/queries/broken.sql", "{{ config(materialized='table') }}\nselect 1 / 0 as boom\n")
        _ = try fixture.rops(["run", "--select", "broken"])
        let failedState = try TemporaryFolder.make(prefix: "rops-state-failed")
        try FileManager.default.removeItem(atPath: failedState)
        try FileManager.default.copyItem(atPath: fixture.root + "/target", toPath: failedState)
        XCTAssertEqual(try list(fixture, "result:error", state: failedState), ["broken"])

        // --defer: another environment (its own schemas) builds only order_count, reading
        // stg_orders where the state's run built it.
        let other = try ProjectFixture("mini_project")
        try other.createSources(db)
        try other.write("models/queries/order_count.sql", "select count(*) as orders from {{ ref('stg_orders') }}\n")
        let deferred = try other.rops(["run", "--select", "order_count", "--defer", "--state", state])
        XCTAssertEqual(deferred.status, 0, deferred.all)
        XCTAssertTrue(deferred.all.contains("--defer: 5 model(s) not built here read the --state run's relations: customer_summary, int_customer_matview, int_customer_totals, stg_customers, stg_orders"), deferred.all)
        XCTAssertEqual(try db.query("select orders::int as n from \(other.prefix)_queries.order_count")[0]["n"].int, 100)
        let compiled = try String(contentsOfFile: other.root + "/target/compiled/mini/models/queries/order_count.sql", encoding: .utf8)
        XCTAssertTrue(compiled.contains("\"\(fixture.prefix)_staging\".\"stg_orders\""), compiled)
        let noDefer = try other.rops(["run", "--select", "order_count"])
        XCTAssertEqual(noDefer.status, 1, "without --defer the missing upstream is an error: " + noDefer.all)
    }
}
