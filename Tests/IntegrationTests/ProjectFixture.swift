import Foundation
import PostgresClient
import TestSupport
import XCTest

/// A copy of Tests/Fixtures/<name> in a temp folder, with `__S__` replaced by a unique schema prefix so
/// tests sharing one database never collide, plus helpers to run the rops binary on it.
struct ProjectFixture {
    let root: String
    let prefix: String

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    init(_ name: String) throws {
        prefix = "t\(UInt32.random(in: 0...UInt32.max))"
        root = try TemporaryFolder.make(prefix: "rops-\(name)")
        let source = Self.fixtures + "/" + name
        let manager = FileManager.default
        for case let relative as String in manager.enumerator(atPath: source)! {
            var isDirectory: ObjCBool = false
            manager.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try manager.createDirectory(atPath: root + "/" + relative, withIntermediateDirectories: true)
            } else {
                let text = try String(contentsOfFile: source + "/" + relative, encoding: .utf8)
                try text.replacingOccurrences(of: "__S__", with: prefix).write(toFile: root + "/" + relative, atomically: true, encoding: .utf8)
            }
        }
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try text.replacingOccurrences(of: "__S__", with: prefix).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(atPath: root + "/" + relative) }

    static var binary: URL { RopsProcess.binary }

    /// Runs `rops <arguments>` in the project against the test database.
    @discardableResult
    func rops(_ arguments: [String]) throws -> RopsProcess.Outcome {
        try RopsProcess.run(arguments, in: root, environment: ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"])
    }

    /// The raw tables the mini project's sources read.
    func createSources(_ connection: PostgresConnection, orders: Int = 100) throws {
        try connection.executeScript("""
            drop schema if exists \(prefix)_raw cascade;
            create schema \(prefix)_raw;
            create table \(prefix)_raw.orders as
                select g as id, (g % 5) as customer_id, (g * 3.3)::text as amount from generate_series(1, \(orders)) g;
            create table \(prefix)_raw.customers as select g as id, 'c' || g as name from generate_series(0, 4) g;
            """)
    }

    func scalar(_ connection: PostgresConnection, _ sql: String) throws -> PostgresValue {
        try connection.query(sql.replacingOccurrences(of: "__S__", with: prefix))[0][0]
    }
}
