import Build
import DataTesting
import Foundation
import PostgresClient
import Project

/// The tests of a `rops build`: a test runs as soon as every model it reads is built (usually right
/// after the model it is declared on), on the builder's connection. A failing error-severity test
/// stops the descendants of the model it guards.
final class BuildTestSchedule: @unchecked Sendable {
    private let tests: [DataTest]
    /// Tests of seeds and sources alone: they run once the seeds are loaded, before any model.
    private let upfront: [DataTest]
    private let delegate: OperationDelegate
    private let lock = NSLock()
    private var built: Set<String> = []
    private var started: Set<String> = []
    private var collected: [TestResult] = []
    /// With a ledger, a test that passed on the same SQL and the same versions of what it reads is
    /// not run again. The closure gives the versions of a test's inputs.
    var ledger: (BuildLedger, ([String]) -> String)?

    init(_ all: [DataTest], delegate: OperationDelegate) {
        tests = all.filter { test in test.dependsOn.contains { NodeID.isModel($0) } }
        upfront = all.filter { test in !test.dependsOn.contains { NodeID.isModel($0) } }
        self.delegate = delegate
    }

    /// Results, with tests whose models never all built reported as skipped.
    var results: [TestResult] {
        lock.lock(); defer { lock.unlock() }
        let skipped = tests.filter { !started.contains($0.uniqueId) }.map {
            TestResult(test: $0, status: .skipped, failures: 0, seconds: 0, message: "skipped: a model it reads was not built")
        }
        return collected + skipped
    }

    /// Runs the tests that read no model (seeds and sources only).
    func runUpfrontTests(on connection: PostgresConnection) {
        for result in run(upfront, on: connection) { record(result) }
    }

    /// Runs the tests that `model` completes; false when one with error severity failed.
    func runTests(of model: CompiledModel, on connection: PostgresConnection) -> Bool {
        let id = model.uniqueId
        lock.lock()
        built.insert(id)
        let ready = tests.filter { test in
            !started.contains(test.uniqueId) && test.dependsOn.contains(id)
                && test.dependsOn.filter { NodeID.isModel($0) }.allSatisfy(built.contains)
        }
        for test in ready { started.insert(test.uniqueId) }
        lock.unlock()
        var passed = true
        for (test, result) in zip(ready, run(ready, on: connection)) {
            record(result)
            if (result.status == .fail || result.status == .error) && test.attachedTo == id { passed = false }
        }
        return passed
    }

    /// Runs `tests` (screened as one batch), except those the ledger shows passed on these inputs.
    private func run(_ tests: [DataTest], on connection: PostgresConnection) -> [TestResult] {
        guard let (ledger, inputs) = ledger else { return TestExecutor.runScreened(tests, on: connection) }
        let fingerprints = tests.map { BuildLedger.digest([$0.sql, $0.severity, inputs($0.dependsOn)]) }
        var results: [TestResult?] = zip(tests, fingerprints).map { test, fingerprint in
            guard let entry = ledger.isCurrent(test.uniqueId, fingerprint: fingerprint, relation: nil) else { return nil }
            var result = TestResult(test: test, status: .pass, failures: 0, seconds: 0,
                                    message: "unchanged: passed on the same inputs at \(entry.builtAt)")
            result.unchanged = true
            return result
        }
        let toRun = tests.indices.filter { results[$0] == nil }
        for (index, result) in zip(toRun, TestExecutor.runScreened(toRun.map { tests[$0] }, on: connection)) {
            results[index] = result
            if result.status == .pass {
                try? ledger.record(tests[index].uniqueId, fingerprint: fingerprints[index], relation: nil, keepVersion: false, on: connection)
            }
        }
        return results.map { $0! }
    }

    private func record(_ result: TestResult) {
        delegate.handle(.testFinished(result))
        lock.lock(); collected.append(result); lock.unlock()
    }
}
