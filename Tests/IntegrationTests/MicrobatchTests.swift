import Foundation
import PostgresClient
import TestSupport
import XCTest

/// dbt 1.9's microbatch on PostgreSQL: one merge per batch from `begin`, inputs with an
/// `event_time` filtered to the batch, `--event-time-start/--event-time-end` re-running chosen
/// batches, `lookback` batches before the current one on later runs, `unique_key` required.
final class MicrobatchTests: XCTestCase {
    func testBatchesFilterTheirInputsAndRerunChosenWindows() throws {
        let schema = "mb\(UInt32.random(in: 0...UInt32.max))"
        let db = try TestDatabase.connect()
        try db.executeScript("""
            create schema \(schema)_src;
            create table \(schema)_src.events (id int, at timestamp, amount int);
            insert into \(schema)_src.events values (1, '2024-01-02 10:00', 10), (2, '2024-01-15 00:00', 20),
                (3, '2024-01-31 23:59', 30), (4, '2024-02-01 00:00', 40), (5, '2024-02-20 08:00', 50);
            """)
        let root = try TemporaryFolder.make(prefix: "rops-microbatch")
        let model = """
            {{ config(materialized='incremental', incremental_strategy='microbatch', event_time='at', batch_size='month',
                      begin='2024-01-01', unique_key='id') }}
            select id, at, amount, (select count(*) from {{ source('src', 'events') }})::int as rows_in_batch
            from {{ source('src', 'events') }}
            """
        let files = [
            "dbt_project.yml": "name: mb\nprofile: mb\n",
            "profiles.yml": "mb:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: unused, dbname: rops_test, schema: \(schema)}\n",
            "models/sources.yml": "version: 2\nsources:\n  - name: src\n    schema: \(schema)_src\n    tables:\n      - name: events\n        config: {event_time: at}\n",
            "models/monthly.sql": model,
        ]
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: root + "/" + path).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
        }
        let env = ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"]
        func rows() throws -> [String] {
            try db.query("select id || ':' || amount || ':' || rows_in_batch as r from \(schema).monthly order by id").compactMap { $0["r"].string }
        }

        // First run: one batch per month from begin to this month; each reads only its month.
        let first = try RopsProcess.run(["run"], in: root, environment: env)
        XCTAssertEqual(first.status, 0, first.all)
        XCTAssertTrue(first.stdout.contains("MICROBATCH"), first.stdout)
        XCTAssertTrue(first.stdout.contains("month batch(es) from 2024-01-01 00:00:00"), first.stdout)
        XCTAssertEqual(try rows(), ["1:10:3", "2:20:3", "3:30:3", "4:40:2", "5:50:2"])

        // A changed January row and a new March row; re-running January alone merges only January.
        try db.executeScript("update \(schema)_src.events set amount = 11 where id = 1; insert into \(schema)_src.events values (6, '2024-03-05', 60);")
        let january = try RopsProcess.run(["run", "--event-time-start", "2024-01-01", "--event-time-end", "2024-02-01"], in: root, environment: env)
        XCTAssertEqual(january.status, 0, january.all)
        XCTAssertTrue(january.stdout.contains("MICROBATCH 1 month batch(es) from 2024-01-01"), january.stdout)
        XCTAssertEqual(try rows(), ["1:11:3", "2:20:3", "3:30:3", "4:40:2", "5:50:2"])

        // A plain run covers the current month and `lookback` (1) before it: March 2024 stays out.
        let later = try RopsProcess.run(["run"], in: root, environment: env)
        XCTAssertEqual(later.status, 0, later.all)
        XCTAssertTrue(later.stdout.contains("MICROBATCH 2 month batch(es)"), later.stdout)
        XCTAssertEqual(try rows().count, 5)
        // --full-refresh starts again from begin.
        let full = try RopsProcess.run(["run", "--full-refresh"], in: root, environment: env)
        XCTAssertEqual(full.status, 0, full.all)
        XCTAssertEqual(try rows(), ["1:11:3", "2:20:3", "3:30:3", "4:40:2", "5:50:2", "6:60:1"])

        // Without unique_key, batches after the table exists cannot merge: the error names the file.
        try model.replacingOccurrences(of: ", unique_key='id'", with: "").write(toFile: root + "/models/monthly.sql", atomically: true, encoding: .utf8)
        let keyless = try RopsProcess.run(["run"], in: root, environment: env)
        XCTAssertNotEqual(keyless.status, 0)
        XCTAssertTrue(keyless.all.contains("models/monthly.sql") && keyless.all.contains("unique_key"), keyless.all)
        // A missing batch_size is named too.
        try model.replacingOccurrences(of: "batch_size='month',", with: "").write(toFile: root + "/models/monthly.sql", atomically: true, encoding: .utf8)
        let sizeless = try RopsProcess.run(["run"], in: root, environment: env)
        XCTAssertTrue(sizeless.all.contains("`batch_size` is hour, day, month or year"), sizeless.all)
    }
}
