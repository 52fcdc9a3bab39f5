import Foundation
import PostgresClient
import TestSupport
import XCTest

/// `rops run/build` end to end on Tests/Fixtures/mini_project against a real PostgreSQL.
final class BuildTests: XCTestCase {
    func testEveryMaterializationBuildsAndRebuilds() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)

        let first = try fixture.rops(["run"])
        XCTAssertEqual(first.status, 0, first.all)
        XCTAssertTrue(first.stdout.contains("8 ok, 0 error, 0 skipped"), first.stdout)

        func kind(_ relation: String) throws -> String? {
            try db.query("select c.relkind::text as k from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname || '.' || c.relname = $1",
                         [relation.replacingOccurrences(of: "__S__", with: fixture.prefix)]).first?["k"].string
        }
        XCTAssertEqual(try kind("__S___staging.stg_orders"), "r")
        XCTAssertEqual(try kind("__S___staging.stg_customers"), "r")
        XCTAssertEqual(try kind("__S___intermediate.int_customer_totals"), "r")
        XCTAssertEqual(try kind("__S___intermediate.int_customer_matview"), "m")
        XCTAssertEqual(try kind("__S___queries.order_count"), "v")
        XCTAssertNil(try kind("__S___intermediate.int_big_orders"), "ephemeral models are not built")
        // Config indexes get their final names; the operation made its index.
        XCTAssertEqual(try kind("__S___staging.stg_customers_customer_id_uidx"), "i")
        XCTAssertEqual(try kind("__S___staging.stg_orders_customer_id_idx"), "i")
        XCTAssertEqual(try fixture.scalar(db, "select orders from __S___queries.order_count").int, 100)
        // Ephemeral filter (amount > 10) reached the incremental model: order 1..3 are 3.3, 6.6, 9.9.
        XCTAssertEqual(try fixture.scalar(db, "select sum(big_orders)::int from __S___intermediate.int_customer_totals").int, 97)
        XCTAssertEqual(try fixture.scalar(db, "select count(*)::int from __S___queries.customer_summary").int, 5)

        // Second run: incremental inserts, everything still consistent (views survived the swaps).
        try db.execute("insert into \(fixture.prefix)_raw.orders values (101, 1, '50.00')")
        let second = try fixture.rops(["run"])
        XCTAssertEqual(second.status, 0, second.all)
        XCTAssertTrue(second.stdout.contains("INSERT 5"), second.stdout)
        XCTAssertEqual(try fixture.scalar(db, "select orders from __S___queries.order_count").int, 101)
        XCTAssertEqual(try fixture.scalar(db, "select big_orders::int from __S___intermediate.int_customer_totals where customer_id = 1").int, 20)  // 19 of ids 1, 6, …, 96 exceed 10, plus the new one

        let refreshed = try fixture.rops(["run", "--full-refresh", "-s", "int_customer_totals"])
        XCTAssertEqual(refreshed.status, 0, refreshed.all)
        XCTAssertTrue(refreshed.stdout.contains("incremental") && refreshed.stdout.contains("SELECT 5"), refreshed.stdout)

        // Artifacts.
        let runResults = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.root + "/target/run_results.json"))) as! [String: Any]
        XCTAssertNotNil(runResults["results"] as? [[String: Any]])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.root + "/target/manifest.json"))) as! [String: Any]
        let nodes = manifest["nodes"] as! [String: Any]
        XCTAssertEqual(nodes.count, 8)
        let summary = nodes["model.customer_summary"] as! [String: Any]
        XCTAssertEqual((summary["depends_on"] as! [String: Any])["nodes"] as! [String], ["model.int_customer_matview"])
    }

    /// With one thread the start order is visible: the ready model with the longest chain behind it
    /// starts first (by depth on a first run), and the last run's seconds outweigh depth after that.
    func testReadyModelsStartCriticalPathFirst() throws {
        let fixture = try ProjectFixture("load_project")
        try fixture.write("project.yml", "name: order\nmodels:\n  order:\n    +schema: __S___order\n    +materialized: view\n")
        try fixture.write("models/a_leaf.sql", "select 1 as n")
        try fixture.write("models/b_root.sql", "select 1 as n")
        try fixture.write("models/c_middle.sql", "select n from {{ ref('b_root') }}")
        try fixture.write("models/d_end.sql", "select n from {{ ref('c_middle') }}")
        func startOrder() throws -> [String] {
            let outcome = try fixture.rops(["run", "--threads", "1"])
            XCTAssertEqual(outcome.status, 0, outcome.all)
            return outcome.stdout.split(separator: "\n").compactMap { line in
                ["a_leaf", "b_root", "c_middle", "d_end"].first { line.contains("\"\($0)\"") }
            }
        }
        // The graph's stable order would start a_leaf; b_root has two models waiting behind it. Once
        // a_leaf and d_end weigh the same, the stable order decides.
        XCTAssertEqual(try startOrder(), ["b_root", "c_middle", "a_leaf", "d_end"])
        // a_leaf took 100 s last time, more than the whole b_root chain: it starts first now.
        let path = fixture.root + "/target/run_results.json"
        var results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        results["results"] = try XCTUnwrap(results["results"] as? [[String: Any]]).map { result in
            var result = result
            if result["unique_id"] as? String == "model.a_leaf" { result["execution_time"] = 100.0 }
            return result
        }
        try JSONSerialization.data(withJSONObject: results).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try startOrder(), ["a_leaf", "b_root", "c_middle", "d_end"])
    }

    func testMaterializedViewRefreshesConcurrentlyWhenItsSQLIsUnchanged() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        XCTAssertEqual(try fixture.rops(["run"]).status, 0)
        // Only the matview: its parents are not replaced, so it is refreshed, not recreated.
        let again = try fixture.rops(["run", "-s", "int_customer_matview", "--no-skip-unchanged"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(again.stdout.contains("REFRESH CONCURRENTLY"), again.stdout)
        // Changing its SQL recreates it.
        try fixture.write("models/intermediate/int_customer_matview.sql", """
            {{ config(materialized='materialized_view', indexes=[{'columns': ['customer_id'], 'unique': true}]) }}
            select c.customer_id, c.name, 0 as total_amount from {{ ref('stg_customers') }} as c
            """)
        let changed = try fixture.rops(["run", "-s", "int_customer_matview"])
        XCTAssertTrue(changed.stdout.contains("CREATE MATERIALIZED VIEW"), changed.stdout)
        XCTAssertEqual(try fixture.scalar(db, "select sum(total_amount)::int from __S___intermediate.int_customer_matview").int, 0)
    }

    func testFailureSkipsDescendantsAndARerunRecovers() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        let failing = try fixture.rops(["run", "--vars", "{min_amount: 'not a number'}"])
        XCTAssertEqual(failing.status, 1, failing.all)
        XCTAssertTrue(failing.stdout.contains("ERROR table \"\(fixture.prefix)_staging\".\"stg_orders\""), failing.stdout)
        XCTAssertTrue(failing.stdout.contains("1 ok, 1 error, 6 skipped"), failing.stdout)
        XCTAssertTrue(failing.stdout.contains("models/staging/stg_orders.sql"), failing.stdout)
        XCTAssertTrue(failing.stdout.contains("SQLSTATE 42601"), failing.stdout)
        XCTAssertEqual(try fixture.scalar(db, "select count(*)::int from __S___staging.stg_customers").int, 5, "independent models still build")

        let recovered = try fixture.rops(["run"])
        XCTAssertEqual(recovered.status, 0, recovered.all)
        XCTAssertTrue(recovered.stdout.contains("8 ok, 0 error, 0 skipped"), recovered.stdout)
    }

    func testSelectionRunsOnlyWhatWasAskedPlusDependentViews() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        XCTAssertEqual(try fixture.rops(["run"]).status, 0)
        let listed = try fixture.rops(["ls", "-s", "+customer_summary", "--exclude", "stg_customers"])
        XCTAssertEqual(listed.stdout.split(separator: "\n").sorted(),
                       ["customer_summary", "int_big_orders", "int_customer_matview", "int_customer_totals", "stg_orders"])
        XCTAssertEqual(try fixture.rops(["ls", "-s", "tag:serving,config.materialized:view"]).stdout, "customer_summary\norder_count\n")
        XCTAssertEqual(try fixture.rops(["ls", "-s", "path:models/staging", "--output", "path"]).stdout,
                       "models/staging/stg_customers.sql\nmodels/staging/stg_orders.sql\n")

        // Rebuilding one table also rebuilds what PostgreSQL would drop with it.
        let one = try fixture.rops(["run", "-s", "stg_orders"])
        XCTAssertEqual(one.status, 0, one.all)
        XCTAssertTrue(one.stderr.contains("also rebuilding"), one.stderr)
        XCTAssertTrue(one.stdout.contains("order_count"), one.stdout)
        XCTAssertTrue(one.stdout.contains("idx_stg_orders_customer"), one.stdout)
        XCTAssertFalse(one.stdout.contains("stg_customers"), one.stdout)
        XCTAssertEqual(try fixture.scalar(db, "select count(*)::int from pg_indexes where indexname = 'stg_orders_customer_id_idx' and schemaname = '__S___staging'").int, 1)
    }

    func testReadersNeverSeeAnErrorWhileTablesAreSwapped() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db, orders: 20_000)
        XCTAssertEqual(try fixture.rops(["run"]).status, 0)
        let reader = try TestDatabase.connect()
        let stop = StopFlag()
        let errors = ErrorList()
        let group = DispatchGroup()
        group.enter()
        let prefix = fixture.prefix
        DispatchQueue.global().async {
            defer { group.leave() }
            var reads = 0
            while !stop.isSet || reads < 20 {
                do {
                    let n = try reader.query("select count(*)::int as n from \(prefix)_staging.stg_orders")[0]["n"].int
                    if n != 20_000 { errors.add("saw \(String(describing: n)) rows") }
                    _ = try reader.query("select count(*) from \(prefix)_queries.order_count")
                } catch {
                    errors.add("\(error)")
                }
                reads += 1
            }
        }
        for _ in 0..<3 { XCTAssertEqual(try fixture.rops(["run", "-s", "stg_orders"]).status, 0) }
        stop.set()
        group.wait()
        XCTAssertEqual(errors.all, [])
    }

    func testCompileWritesSQLWithoutADatabase() throws {
        let fixture = try ProjectFixture("mini_project")
        let outcome = try fixture.rops(["compile", "--database-url", "postgresql://nobody@127.0.0.1:1/none"])
        XCTAssertEqual(outcome.status, 0, outcome.all)
        let compiled = try String(contentsOfFile: fixture.root + "/target/compiled/mini/models/intermediate/int_customer_totals.sql", encoding: .utf8)
        XCTAssertTrue(compiled.hasPrefix("with __rops_ephemeral__int_big_orders as (\n"), compiled)
        XCTAssertTrue(compiled.contains("from \"\(fixture.prefix)_staging\".\"stg_orders\" where amount > 10"), compiled)
        XCTAssertFalse(compiled.contains("is_incremental"), compiled)
    }
}
