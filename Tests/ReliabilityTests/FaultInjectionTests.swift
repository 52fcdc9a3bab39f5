import Foundation
import LocalPostgres
import PostgresClient
import TestSupport
import XCTest

/// Real rops processes killed with SIGKILL at every named point of a build and a load, and a
/// PostgreSQL stopped in immediate mode mid-build. After each fault every relation of the platform
/// must exist and equal a clean build of one of the two data sets (nothing missing, nothing
/// half-built), and the rerun must converge to the clean build of the data now in place, with no
/// side tables left behind.
final class FaultInjectionTests: XCTestCase {
    override func setUp() {
        ReliabilityLedger.register()
    }

    func sandbox() throws -> (sandbox: PlatformSandbox, cleans: [Snapshot]) { try PlatformSandbox.shared() }

    /// Checks the state after a fault and after the rerun; records the fault in the ledger.
    private func check(after point: String, died: Bool, sandbox: PlatformSandbox, cleans: [Snapshot], current: Int,
                       rerun: [[String]], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(died, "\(point): the fault point was never reached (the process ended by itself)", file: file, line: line)
        let after = try Snapshot.take(sandbox.connect())
        let (problems, lost) = after.damage(against: cleans)
        XCTAssertEqual(problems, [], "after a fault at \(point)", file: file, line: line)
        for arguments in rerun {
            let outcome = try sandbox.rops(arguments)
            XCTAssertEqual(outcome.status, 0, "rerun \(arguments) after \(point):\n\(outcome.all)", file: file, line: line)
        }
        let converged = try Snapshot.take(sandbox.connect())
        let (differences, _) = converged.damage(against: [cleans[current]], wholly: true)
        XCTAssertEqual(differences, [], "the rerun after \(point) does not equal a clean build", file: file, line: line)
        XCTAssertEqual(converged.sideRelations, [], "leftovers after the rerun that followed \(point)", file: file, line: line)
        ReliabilityLedger.shared.fault(survived: died && problems.isEmpty && differences.isEmpty && converged.sideRelations.isEmpty,
                                       rowsLost: lost)
    }

    func testKillNineOfABuildAfterEveryModelAndInEverySwap() throws {
        let (sandbox, cleans) = try sandbox()
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.root + "/target/manifest.json"))) as! [String: Any]
        let models = (manifest["nodes"] as! [String: [String: Any]]).values.filter { $0["resource_type"] as? String == "model" }
        let swapping: Set<String> = ["table", "materialized_view"]
        var points = models.map { "model:\($0["name"] as! String):built" }.sorted()
        points += models.filter { swapping.contains(($0["config"] as? [String: Any])?["materialized"] as? String ?? "") }
            .map { "model:\($0["name"] as! String):swapped" }.sorted()
        points += ["seed:us_states:replaced", "seed:merchant_category_groups:replaced"]
        XCTAssertGreaterThan(points.count, 60)
        var current = 1
        for point in points {
            // Each fault moves to the other data set: the build dies halfway between the two.
            current = 1 - current
            try sandbox.use(current)
            let load = try sandbox.rops(["load"])
            XCTAssertEqual(load.status, 0, load.all)
            // A seed whose file did not change is not loaded again: its fault point needs a load.
            let build = try sandbox.start(point.hasPrefix("seed:") ? ["build", "--no-skip-unchanged"] : ["build"], fault: point).wait()
            try check(after: point, died: build.signalled && build.outcome.status == SIGKILL, sandbox: sandbox, cleans: cleans,
                      current: current, rerun: [["build"]])
        }
    }

    func testKillNineOfALoadMidCopyAndMidSwap() throws {
        let (sandbox, cleans) = try sandbox()
        let tables = cleans[0].relations.keys.filter { $0.hasPrefix("raw.") && !$0.hasSuffix("__rejected") }.map { String($0.dropFirst(4)) }.sorted()
        XCTAssertEqual(tables.count, 5, "\(tables)")
        var current = 1
        for table in tables {
            for stage in ["mid-copy", "swapped"] {
                current = 1 - current
                try sandbox.use(current)
                let point = "load:\(table):\(stage)"
                let load = try sandbox.start(["load"], fault: point).wait()
                try check(after: point, died: load.signalled && load.outcome.status == SIGKILL, sandbox: sandbox, cleans: cleans,
                          current: current, rerun: [["load"], ["build"]])
            }
        }
    }

    /// `pg_ctl stop -m immediate` while a build or a load holds its transaction open at a swap.
    func testImmediateServerStopMidBuildAndMidLoad() throws {
        let (sandbox, cleans) = try sandbox()
        let cases: [(command: String, point: String)] = [
            ("build", "model:stg_transactions:swapped"), ("build", "model:enriched_transactions:swapped"),
            ("build", "seed:us_states:replaced"), ("build", "model:int_fraud_by_day:built"), ("load", "load:transactions:swapped"),
        ]
        var current = 1
        for (command, point) in cases {
            current = 1 - current
            try sandbox.use(current)
            if command == "build" { XCTAssertEqual(try sandbox.rops(["load"]).status, 0) }
            let mark = NSTemporaryDirectory() + "rops-fault-mark-\(UInt32.random(in: 0...UInt32.max))"
            let running = try sandbox.start([command], fault: point + "@stall", mark: mark)
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: mark) && running.process.isRunning && Date() < deadline { usleep(20_000) }
            let reached = FileManager.default.fileExists(atPath: mark)
            try? FileManager.default.removeItem(atPath: mark)
            XCTAssertTrue(try sandbox.cluster.stop(immediately: true), "the server was not running")
            running.killNine()
            _ = running.wait()
            XCTAssertEqual(try sandbox.rops(["db", "start"]).status, 0)
            try check(after: "\(point) + immediate server stop", died: reached, sandbox: sandbox, cleans: cleans,
                      current: current, rerun: command == "load" ? [["load"], ["build"]] : [["build"]])
        }
    }

    /// A second `rops build` (or load) waits for the first, naming it, and never interleaves.
    func testASecondProcessWaitsForTheFirstAndNamesIt() throws {
        let (sandbox, cleans) = try sandbox()
        for second in ["build", "load"] {
            try sandbox.use(0)
            XCTAssertEqual(try sandbox.rops(["load"]).status, 0)
            let mark = NSTemporaryDirectory() + "rops-fault-mark-\(UInt32.random(in: 0...UInt32.max))"
            let first = try sandbox.start(["build"], fault: "model:stg_transactions:swapped@stall", mark: mark)
            while !FileManager.default.fileExists(atPath: mark) && first.process.isRunning { usleep(20_000) }
            try? FileManager.default.removeItem(atPath: mark)
            let other = try sandbox.start([second])
            // It must still be waiting a second later: the first holds the project.
            sleep(1)
            XCTAssertTrue(other.process.isRunning, "the second \(second) did not wait for the first")
            first.killNine()
            XCTAssertTrue(first.wait().signalled)
            let result = other.wait()
            XCTAssertEqual(result.outcome.status, 0, result.outcome.all)
            XCTAssertTrue(result.outcome.stderr.contains("waiting for rops build (pid \(first.pid) "), result.outcome.stderr)
            if second == "load" { XCTAssertEqual(try sandbox.rops(["build"]).status, 0) }
            let (differences, _) = try Snapshot.take(sandbox.connect()).damage(against: [cleans[0]], wholly: true)
            XCTAssertEqual(differences, [])
            ReliabilityLedger.shared.fault(survived: differences.isEmpty && result.outcome.status == 0, rowsLost: 0)
        }
    }

    /// Readers loop over every dashboard view while builds, seeds, loads and a full refresh replace
    /// what they read: not one query may fail.
    func testReadersNeverMissARelationWhileTheProjectIsRebuilt() throws {
        let (sandbox, _) = try sandbox()
        let reader = try sandbox.connect()
        let views = try reader.query("select table_name as name from information_schema.views where table_schema = 'queries' order by 1")
            .compactMap { $0["name"].string }
        XCTAssertGreaterThan(views.count, 10)
        let stop = StopFlag(), tally = ReaderTally()
        let done = DispatchGroup()
        // Two readers, going through the views in opposite orders, as two dashboard sessions would.
        for order in [views, views.reversed()] {
            let connection = try sandbox.connect()
            done.enter()
            Thread {
                defer { done.leave() }
                while !stop.isSet {
                    for view in order {
                        do { _ = try connection.query("select count(*) from queries.\(SQLText.identifier(view))"); tally.add(error: nil) }
                        catch { tally.add(error: "\(view): \(error)") }
                    }
                }
            }.start()
        }
        for set in [1, 0] {
            try sandbox.use(set)
            XCTAssertEqual(try sandbox.rops(["build"]).status, 0)
            XCTAssertEqual(try sandbox.rops(["seed"]).status, 0)
            XCTAssertEqual(try sandbox.rops(["load"]).status, 0)
            XCTAssertEqual(try sandbox.rops(["build"]).status, 0)
        }
        XCTAssertEqual(try sandbox.rops(["build", "--full-refresh"]).status, 0)
        stop.set()
        done.wait()
        XCTAssertGreaterThan(tally.queries, 100)
        let log = (try? String(contentsOfFile: sandbox.root + "/.rops/postgres/server.log", encoding: .utf8)) ?? ""
        let deadlocks = log.components(separatedBy: "\n").enumerated().filter { $0.element.contains("deadlock detected") }.map { $0.offset }
        let context = deadlocks.map { log.components(separatedBy: "\n")[$0...min($0 + 12, log.components(separatedBy: "\n").count - 1)].joined(separator: "\n") }
        XCTAssertEqual(tally.errors, [], "\(tally.errors.count) of \(tally.queries) reader queries failed; server log:\n\(context.joined(separator: "\n---\n"))")
        ReliabilityLedger.shared.fault(survived: tally.errors.isEmpty, rowsLost: 0)
    }

    /// A seed whose column types change is swapped in while the one big table, built from the old
    /// seed, keeps answering; the build then leaves no side table behind.
    func testASeedWhoseColumnsChangeIsSwappedWithoutDroppingItsReaders() throws {
        let (sandbox, cleans) = try sandbox()
        try sandbox.cleanBuild(0)
        let connection = try sandbox.connect()
        // Change a column's type as a new seed file would: text instead of the inferred bigint.
        let path = sandbox.root + "/seeds/merchant_category_groups.csv"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try (original.replacingOccurrences(of: "\n5411,", with: "\n05411,")).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? original.write(toFile: path, atomically: true, encoding: .utf8) }
        let seed = try sandbox.rops(["seed"])
        XCTAssertEqual(seed.status, 0, seed.all)
        XCTAssertTrue(seed.stdout.contains("mcc text"), seed.stdout)
        // The one big table still answers, from the old seed.
        XCTAssertEqual(try connection.query("select count(*)::bigint as n from intermediate.enriched_transactions")[0]["n"].int,
                       cleans[0].relations["intermediate.enriched_transactions"]?.rows)
        XCTAssertGreaterThan(try connection.query("select count(*)::bigint as n from queries.merchant_risk")[0]["n"].int ?? 0, 0)
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try sandbox.rops(["build"]).status, 0)
        XCTAssertEqual(try Snapshot.take(connection).sideRelations, [])
    }
}

final class ReaderTally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var queries = 0
    private(set) var errors: [String] = []
    func add(error: String?) {
        lock.lock(); defer { lock.unlock() }
        queries += 1
        if let error { errors.append(error) }
    }
}
