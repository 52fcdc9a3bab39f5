import Foundation
import PostgresClient
import TestSupport
import XCTest

/// Hooks, aliases, disabled models, grants, fail-fast and Ctrl-C.
final class ConfigTests: XCTestCase {
    func testHooksAliasEnabledAndGrants() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        let role = "\(fixture.prefix)_reader"
        try db.execute("create role \(role) nologin")
        defer { _ = try? db.execute("drop owned by \(role)"); _ = try? db.execute("drop role \(role)") }
        try fixture.write("models/queries/renamed.sql", """
            {{ config(alias='orders_alias', grants={'select': ['\(role)']},
                      pre_hook="create table if not exists __S___queries.hook_log (event text)",
                      post_hook=["insert into __S___queries.hook_log values ('built {{ this.identifier }}')"]) }}
            select order_id from {{ ref('stg_orders') }}
            """)
        try fixture.write("models/queries/disabled.sql", "{{ config(enabled=false) }}\nselect * from nowhere")
        let outcome = try fixture.rops(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.all)
        XCTAssertFalse(outcome.stdout.contains("disabled"), outcome.stdout)
        XCTAssertEqual(try fixture.scalar(db, "select count(*)::int from __S___queries.orders_alias").int, 100)
        XCTAssertEqual(try fixture.scalar(db, "select string_agg(event, ',') from __S___queries.hook_log").string, "built orders_alias")
        XCTAssertEqual(try db.query("select has_table_privilege($1, $2, 'select') as ok",
                                    [role, "\(fixture.prefix)_queries.orders_alias"])[0]["ok"], .bool(true))
    }

    func testFailFastStopsTheRun() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        try fixture.write("models/staging/stg_broken.sql", "select 1/0 as boom")
        let outcome = try fixture.rops(["run", "--fail-fast", "--threads", "1"])
        XCTAssertEqual(outcome.status, 1, outcome.all)
        XCTAssertTrue(outcome.stdout.contains("division by zero"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("not run (the run stopped)"), outcome.stdout)
    }

    func testCtrlCCancelsRunningQueriesAndExits130() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        try fixture.write("models/staging/stg_slow.sql", "select 1 as slept from pg_sleep(30)")
        let process = Process()
        process.executableURL = ProjectFixture.binary
        process.arguments = ["run", "--threads", "1", "-s", "stg_slow"]
        process.currentDirectoryURL = URL(fileURLWithPath: fixture.root)
        var environment = ProcessInfo.processInfo.environment
        environment["DB_CONNECTION_STRING"] = TestDatabase.url
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        let start = Date()
        try process.run()
        // Interrupt once the model's query is running (not while rops is still starting up).
        for _ in 0..<200 {
            let running = try db.query("select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()")[0]["n"].int ?? 0
            if running > 0 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.interrupt()  // SIGINT, as Ctrl-C
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, stdout)
        XCTAssertLessThan(Date().timeIntervalSince(start), 15)
        XCTAssertTrue(stdout.contains("cancelled"), stdout)
        XCTAssertEqual(try db.query("select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()")[0]["n"].int, 0)
    }
}
