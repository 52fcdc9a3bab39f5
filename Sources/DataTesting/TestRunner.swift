import Build
import Foundation
import PostgresClient
import Project

/// How a test ended.
public struct TestResult: Sendable {
    public enum Status: String, Sendable { case pass, warn, fail, error, skipped }
    public let test: DataTest
    public let status: Status
    public let failures: Int
    public let seconds: Double
    public let message: String
    /// Not run: it passed before on the same SQL and inputs.
    public var unchanged = false

    public init(test: DataTest, status: Status, failures: Int, seconds: Double, message: String) {
        self.test = test
        self.status = status
        self.failures = failures
        self.seconds = seconds
        self.message = message
    }
}

/// Runs tests set-based: one `count(*)` per test over its failing-rows query (failing rows are kept in
/// `<schema>_audit.<test>` when `store_failures` is on).
public enum TestExecutor {
    public static func run(_ test: DataTest, on connection: PostgresConnection) -> TestResult {
        let start = Date()
        do {
            let failures: Int
            let sql = try test.runtime?.sql(QueryTable.runner(connection)) ?? test.sql
            if test.storeFailures {
                let audit = SQLText.qualified(test.auditSchema, test.name)
                do {
                    try connection.execute("create schema if not exists \(SQLText.identifier(test.auditSchema))")
                } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation || error.sqlState == "42P06" {
                    // Another test thread created it at the same moment.
                }
                failures = try connection.transaction {
                    try connection.execute("drop table if exists \(audit)")
                    let body = SQLCleanup.trimSemicolons(sql) + (test.limit.map { "\nlimit \($0)" } ?? "")
                    return try connection.execute("create table \(audit) as\n\(body)").affectedRows ?? 0
                }
            } else {
                let counted = try connection.query(test.countSQL(for: sql))[0]["failures"]
                failures = counted.int ?? counted.string.flatMap { Double($0) }.map { Int($0) } ?? 0
            }
            var result = judge(test, failures: failures, seconds: Date().timeIntervalSince(start), sql: sql)
            if test.kind == "unit" && failures > 0 {
                // A unit test's tables are temporary: show its differing rows instead of SQL to rerun.
                let rows = try connection.query("select * from (\(sql)) as rops_unit_diff limit 20")
                let shown = rows.map { row in zip(row.columns, row.values).map { "\($0)=\($1)" }.joined(separator: ", ") }
                result = TestResult(test: test, status: result.status, failures: failures, seconds: result.seconds,
                                    message: "\(failures) row\(failures == 1 ? "" : "s") differ:\n  " + shown.joined(separator: "\n  "))
            }
            return result
        } catch {
            let text = (error as? PostgresError).map { $0.isCancellation ? "cancelled" : $0.description } ?? "\(error)"
            return TestResult(test: test, status: .error, failures: 0, seconds: Date().timeIntervalSince(start),
                              message: "\(test.file)\(test.line.map { ":\($0)" } ?? ""): \(text)")
        }
    }

    /// The result of a test that found `failures`, by its severity and thresholds.
    static func judge(_ test: DataTest, failures: Int, seconds: Double, sql: String? = nil) -> TestResult {
        let status: TestResult.Status
        if test.severity == "warn" {
            status = test.warnIf.trips(failures) ? .warn : .pass
        } else if test.errorIf.trips(failures) {
            status = .fail
        } else {
            status = test.warnIf.trips(failures) ? .warn : .pass
        }
        var message = status == .pass ? "PASS" : "\(failures) failing row\(failures == 1 ? "" : "s")"
        if status != .pass {
            message += test.storeFailures ? "; kept in \(test.auditSchema).\(test.name)" : ""
            message += "\n  reproduce: " + SQLCleanup.trimSemicolons(sql ?? test.sql).replacingOccurrences(of: "\n", with: "\n  ")
        }
        return TestResult(test: test, status: status, failures: failures, seconds: seconds, message: message)
    }

    /// Groups of test indexes that run together: screenable tests of one relation share a group,
    /// every other test is a group of its own. Groups keep the order of their first test.
    public static func units(_ tests: [DataTest]) -> [[Int]] {
        var units: [[Int]] = []
        var unitOf: [String: Int] = [:]
        for (index, test) in tests.enumerated() {
            if let relation = test.screen?.relation {
                if let unit = unitOf[relation] { units[unit].append(index); continue }
                unitOf[relation] = units.count
            }
            units.append([index])
        }
        return units
    }

    /// Runs `tests`, screening those of one relation in a single scan: `count(*) filter (where …)`
    /// per test, so a model with ten column tests is read once, not ten times. A test whose rows
    /// match (or a screen that fails) runs on its own, so failures and errors read exactly as if
    /// it had run alone. Results come back in the tests' order.
    public static func runScreened(_ tests: [DataTest], on connection: PostgresConnection) -> [TestResult] {
        var results = [TestResult?](repeating: nil, count: tests.count)
        for unit in units(tests) {
            guard unit.count > 1, let relation = tests[unit[0]].screen?.relation else {
                for index in unit { results[index] = run(tests[index], on: connection) }
                continue
            }
            let start = Date()
            let columns = unit.enumerated().map { position, index in
                "count(*) filter (where \(tests[index].screen!.failingRows)) as f\(position)"
            }
            let counts = try? connection.query("select \(columns.joined(separator: ",\n       "))\nfrom \(relation)").first
            let seconds = Date().timeIntervalSince(start) / Double(unit.count)
            for (position, index) in unit.enumerated() {
                if let matching = counts?["f\(position)"].int, matching == 0 {
                    results[index] = judge(tests[index], failures: 0, seconds: seconds)
                } else {
                    results[index] = run(tests[index], on: connection)
                }
            }
        }
        return results.map { $0! }
    }

    /// Runs `tests` on `threads` connections; results come back in the tests' order.
    public static func runAll(_ tests: [DataTest], threads: Int, connect: @escaping @Sendable () throws -> PostgresConnection,
                              report: @escaping @Sendable (Int, TestResult) -> Void) throws -> [TestResult] {
        let units = units(tests)
        let queue = WorkQueue(units)
        let results = ResultList<(Int, TestResult)>()
        try WorkerPool.run(workers: min(threads, units.count), connect: connect, next: {
            ActiveConnections.shared.isInterrupted ? nil : queue.next()
        }, work: { unit, connection in
            for (index, result) in zip(unit, runScreened(unit.map { tests[$0] }, on: connection)) {
                results.add((index, result))
                report(index, result)
            }
        }, connectionFailed: { _ in queue.stop() })
        return results.all.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
