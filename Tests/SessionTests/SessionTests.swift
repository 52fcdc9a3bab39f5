import Build
import Foundation
import PostgresClient
import Session
import Template
import TestSupport
import XCTest

/// The operations as a library: what a server or the menu would call, with a delegate of its own.
final class SessionTests: XCTestCase {
    final class Recorder: OperationDelegate, @unchecked Sendable {
        private let lock = NSLock()
        private var events: [String] = []
        func handle(_ event: OperationEvent) {
            let line: String
            switch event {
            case .starting(let kind, let count, _, _): line = "starting \(count) \(kind)"
            case .modelFinished(_, _, let result): line = "model \(result.name) \(result.status.rawValue)"
            case .testFinished(let result): line = "test \(result.test.name) \(result.status.rawValue)"
            case .seedLoaded(let result, _): line = "seed \(result.name) \(result.rows)"
            case .testsPlanned(let count): line = "planned \(count) tests"
            case .note, .loadProgress, .sourceLoaded, .sourceFailed: return
            }
            lock.lock(); events.append(line); lock.unlock()
        }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return events }
    }

    func testVarsAreReadAsTheProjectFileReadsThem() throws {
        let context = try CompileSettings.context(vars: "{a: null, b: yes, c: 'yes', d: 3, e: 2.5, f: [1, x]}")
        func shown(_ key: String) -> String {
            switch context.cliVars[key] {
            case .none?: return "none"
            case .bool(let b)?: return "bool \(b)"
            case .string(let s)?: return "string \(s)"
            case .int(let i)?: return "int \(i)"
            case .double(let d)?: return "double \(d)"
            case .list(let l)?: return "list \(l.items.count)"
            default: return "missing"
            }
        }
        XCTAssertEqual(["a", "b", "c", "d", "e", "f"].map(shown), ["none", "bool true", "string yes", "int 3", "double 2.5", "list 2"])
        XCTAssertThrowsError(try CompileSettings.context(vars: "{unclosed")) { error in
            XCTAssertTrue("\(error)".contains("--vars is not valid YAML or JSON"), "\(error)")
        }
    }

    func testABuildIsOneCallThatReportsEveryStepToItsDelegate() throws {
        let root = try TemporaryFolder.make(prefix: "rops-session")
        let schema = "s\(UInt32.random(in: 0...UInt32.max))"
        let files = [
            "project.yml": "name: session_test\nmodels:\n  +schema: \(schema)\nseeds:\n  +schema: \(schema)\n",
            "seeds/colours.csv": "id,name\n1,red\n2,blue\n",
            "models/base.sql": "{{ config(materialized='table') }}\nselect id, name from {{ ref('colours') }}\n",
            "models/summary.sql": "select count(*) as n from {{ ref('base') }}\n",
            "models/_models.yml": "version: 2\nmodels:\n  - name: base\n    description: x\n    columns:\n      - name: id\n        tests: [unique]\n",
        ]
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: root + "/" + path).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
        }
        let database = try DatabaseSession(projectRoot: root, databaseURL: TestDatabase.url, note: { _ in })
        var request = BuildRequest()
        (request.withSeeds, request.withTests) = (true, true)
        let recorder = Recorder()
        let outcome = try BuildOperation(projectRoot: root, database: database, request: request).run(delegate: recorder)
        XCTAssertFalse(outcome.failed)
        XCTAssertEqual(outcome.models(.success), 2)
        XCTAssertEqual(recorder.all, ["seed colours 2", "planned 1 tests", "starting 2 model", "model base success", "test unique_base_id pass",
                                      "model summary success"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/target/run_results.json"))
        XCTAssertEqual(try TestDatabase.connect().query("select n::int from \(schema).summary")[0]["n"].int, 2)
    }
}
