import Foundation
import PostgresClient
import TestSupport
import XCTest

/// `rops source freshness` against a real database: loaded_at_field with warn/error limits and a
/// filter, a table switched off, one judged by the loader's rops_meta.loads, and target/sources.json.
final class FreshnessTests: XCTestCase {
    func testFreshnessStatusesAndSourcesJSON() throws {
        let fixture = try ProjectFixture("mini_project")
        let connection = try TestDatabase.connect()
        let s = fixture.prefix
        try connection.executeScript("""
            drop schema if exists \(s)_fresh cascade;
            create schema \(s)_fresh;
            create table \(s)_fresh.events as
                select 1 as id, now() - interval '2 hours' as loaded_at union all select 2, now() - interval '3 days';
            """)
        // A table `rops load` fills has its freshness from the load itself (rops_meta.loads).
        try fixture.write("data/small.csv", "id,name\n1,a\n2,b\n")
        try fixture.write("models/loaded.yml", """
            version: 2
            sources:
              - name: landed
                schema: __S___landed
                freshness:
                  error_after: {count: 1, period: hour}
                tables:
                  - name: small
                    loader: {path: data/small.csv}
            """)
        let load = try fixture.rops(["load"])
        XCTAssertEqual(load.status, 0, load.all)
        try fixture.write("models/fresh.yml", """
            version: 2
            sources:
              - name: fresh
                schema: __S___fresh
                loaded_at_field: loaded_at
                freshness:
                  warn_after: {count: 1, period: hour}
                  error_after: {count: 1, period: day}
                tables:
                  - name: events
                  - name: old_events
                    identifier: events
                    freshness:
                      warn_after: {count: 1, period: hour}
                      error_after: {count: 1, period: day}
                      filter: id = 2
                  - name: unchecked
                    identifier: events
                    freshness: null
            """)
        let run = try fixture.rops(["source", "freshness"])
        XCTAssertEqual(run.status, 1, run.all)
        XCTAssertTrue(run.stdout.contains("WARN  freshness of fresh.events: loaded 2.0 h ago"), run.stdout)
        XCTAssertTrue(run.stdout.contains("ERROR freshness of fresh.old_events: loaded 3 days ago"), run.stdout)
        XCTAssertFalse(run.stdout.contains("unchecked"), run.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.root + "/target/sources.json"))) as! [String: Any]
        let results = json["results"] as! [[String: Any]]
        XCTAssertTrue(run.stdout.contains("PASS  freshness of landed.small: loaded "), run.stdout)
        XCTAssertEqual(results.map { $0["status"] as! String }.sorted(), ["error", "pass", "warn"])
        let criteria = (results.first { ($0["unique_id"] as! String).hasSuffix("old_events") }!["criteria"] as! [String: Any])
        XCTAssertEqual(criteria["filter"] as? String, "id = 2")
        // source_status:fresher: sources loaded since the state's freshness run.
        let state = try TemporaryFolder.make(prefix: "rops-fresh-state")
        try FileManager.default.removeItem(atPath: state)
        try FileManager.default.copyItem(atPath: fixture.root + "/target", toPath: state)
        try connection.execute("insert into \(s)_fresh.events values (3, now())")
        _ = try fixture.rops(["source", "freshness"])
        let fresher = try fixture.rops(["ls", "--resource-type", "source", "--select", "source_status:fresher", "--state", state])
        XCTAssertEqual(fresher.status, 0, fresher.all)
        XCTAssertTrue(fresher.stdout.contains("fresh.events"), fresher.stdout)
        XCTAssertFalse(fresher.stdout.contains("old_events"), "its filter keeps id 2, which did not change: " + fresher.stdout)
        XCTAssertFalse(fresher.stdout.contains("landed.small"), fresher.stdout)
        let onlyRecent = try fixture.rops(["source", "freshness", "--select", "source:fresh.old_events"])
        XCTAssertEqual(onlyRecent.status, 1, onlyRecent.all)
        XCTAssertTrue(onlyRecent.stdout.contains("checked 1 source table: 0 pass, 0 warn, 1 error"), onlyRecent.stdout)
    }
}
