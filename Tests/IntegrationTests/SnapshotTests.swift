import Foundation
import PostgresClient
import TestSupport
import XCTest

/// Three loads of changing rows (Snapshots/loads.sql) give the SCD type 2 history dbt-core 1.10
/// gives (Snapshots/dbt_core_history.json, made by Snapshots/generate.py): the timestamp strategy
/// row for row, dbt_scd_id included; the check strategy with hard_deletes new_record, and a YAML
/// snapshot with hard_deletes ignore. Snapshot-clock times compare by their order.
final class SnapshotTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let tables = ["snapshots.customers_ts", "snapshots.customers_check", "analytics.customers_yaml"]

    func testThreeLoadsGiveDbtCoresHistory() throws {
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.here.appendingPathComponent("dbt_core_history.json"))) as! [String: Any]
        let database = expected["database"] as! String
        let admin = try TestDatabase.connect()
        try admin.execute("drop database if exists \(database)")
        try admin.execute("create database \(database)")
        var url = URLComponents(string: TestDatabase.url)!
        url.path = "/" + database
        let connection = try PostgresConnection(url.string!)
        let project = try TemporaryFolder.make(prefix: "rops-snapshots")
        try FileManager.default.removeItem(atPath: project)
        try FileManager.default.copyItem(atPath: Self.here.appendingPathComponent("project").path, toPath: project)
        try "snaps:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: unused, dbname: \(database), schema: analytics}\n"
            .write(toFile: project + "/profiles.yml", atomically: true, encoding: .utf8)

        let loads = try String(contentsOf: Self.here.appendingPathComponent("loads.sql"), encoding: .utf8)
            .components(separatedBy: "-- load ").dropFirst().map { $0.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? "" }
        XCTAssertEqual(loads.count, 3)
        for (index, sql) in loads.enumerated() {
            _ = try connection.executeScript(sql)
            let run = try RopsProcess.run(["snapshot"], in: project, environment: ["DB_CONNECTION_STRING": url.string!, "CI": "true"])
            XCTAssertEqual(run.status, 0, "load \(index + 1): " + run.all)
        }
        let history = expected["history"] as! [String: [[String: Any]]]
        for table in Self.tables {
            let json = try connection.query("select coalesce(json_agg(t order by id, dbt_valid_from), '[]')::text as rows from \(table) t")[0]["rows"].string!
            let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
            let ours = Self.normalise(rows, check: table.contains("check"))
            XCTAssertEqual(ours.count, history[table]!.count, table)
            for (mine, theirs) in zip(ours, history[table]!) {
                XCTAssertEqual(NSDictionary(dictionary: mine), NSDictionary(dictionary: theirs), table)
            }
        }
        // A fourth run with nothing changed adds no version.
        let again = try RopsProcess.run(["snapshot"], in: project, environment: ["DB_CONNECTION_STRING": url.string!, "CI": "true"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertEqual(try connection.query("select count(*)::int as n from snapshots.customers_ts")[0]["n"].int, 7)
    }

    /// The generator's normalisation: snapshot-clock instants become `run N` in order; the check
    /// strategy's dbt_scd_id (a hash of that clock) becomes `hash`.
    static func normalise(_ rows: [[String: Any]], check: Bool) -> [[String: Any]] {
        let timeColumns = ["dbt_updated_at", "dbt_valid_from", "dbt_valid_to"]
        let clocks = Set(rows.flatMap { row in timeColumns.compactMap { row[$0] as? String } }
            .filter { !$0.hasPrefix("2024") && $0.count > 19 }).sorted()
        let names = Dictionary(uniqueKeysWithValues: clocks.enumerated().map { ($1, "run \($0 + 1)") })
        return rows.map { row in
            var copy = row
            for column in timeColumns { if let value = row[column] as? String, let name = names[value] { copy[column] = name } }
            if check { copy["dbt_scd_id"] = "hash" }
            return copy
        }
    }
}
