import Foundation
import PostgresClient
import TestSupport
import XCTest

/// Broken and hostile projects: each must fail with the file (and line, where there is one) and the
/// cause, exit non-zero, and leave what an earlier build made exactly as it was; injection attempts
/// through selectors, --vars and model names must leave a canary table alone.
final class HostileProjectTests: XCTestCase {
    struct Case {
        let name: String
        var files: [String: String] = [:]
        var bytes: [String: [UInt8]] = [:]
        var command = ["build"]
        /// nil: the command must succeed (a hostile input that is handled by working).
        var expected: [String]?
        var setUp: ((String) throws -> Void)? = nil
    }

    override func setUp() { ReliabilityLedger.register() }

    static func baseline(_ schema: String) -> [String: String] {
        [
            "project.yml": "name: hostile_project\nmodels:\n  +schema: \(schema)\n",
            "models/base.sql": "{{ config(materialized='table') }}\nselect g as id, 'n' || g as name from generate_series(1, 5) g\n",
            "models/summary.sql": "select count(*) as n from {{ ref('base') }}\n",
            "models/_models.yml": """
                version: 2
                models:
                  - name: base
                    description: Five rows.
                    columns:
                      - name: id
                        tests: [unique, not_null]
                  - name: summary
                    description: Their count.
                """,
        ]
    }

    static func cases(canary: String) -> [Case] {
        [
            Case(name: "malformed YAML in properties", files: ["models/_models.yml": "version: 2\nmodels:\n  - name: base\n    description: [unclosed\n"],
                 expected: ["models/_models.yml:", "invalid YAML"]),
            Case(name: "malformed project.yml", files: ["project.yml": "name: hostile_project\nmodels: [\n"], expected: ["project.yml", "invalid YAML"]),
            Case(name: "unknown key in properties", files: ["models/_models.yml": "version: 2\nmodels:\n  - name: base\n    descripton: x\n"],
                 expected: ["models/_models.yml:", "unknown key 'descripton'"]),
            Case(name: "unknown config in project.yml", files: ["project.yml": "name: hostile_project\nmodels:\n  +materialised: table\n"],
                 expected: ["project.yml:", "unknown config '+materialised'"]),
            Case(name: "a dependency cycle", files: ["models/base.sql": "select * from {{ ref('summary') }}\n"], expected: ["dependency cycle"]),
            Case(name: "a missing ref", files: ["models/summary.sql": "select count(*) as n\nfrom {{ ref('bsae') }}\n"],
                 expected: ["models/summary.sql:2:", "did you mean 'base'?"]),
            Case(name: "a missing source", files: ["models/summary.sql": "select * from {{ source('nowhere', 't') }}\n"],
                 expected: ["models/summary.sql:1:", "nowhere"]),
            Case(name: "SQL syntax error", files: ["models/base.sql": "{{ config(materialized='table') }}\nselect from from\n"],
                 expected: ["models/base.sql", "syntax error"]),
            Case(name: "SQL error at run time", files: ["models/base.sql": "{{ config(materialized='table') }}\nselect 1 / 0 as id\n"],
                 expected: ["models/base.sql", "division by zero"]),
            Case(name: "a test on a missing column",
                 files: ["models/_models.yml": "version: 2\nmodels:\n  - name: base\n    description: x\n    columns:\n      - name: nope\n        tests: [not_null]\n"],
                 expected: ["not_null_base_nope", "nope"]),
            Case(name: "Jinja syntax error", files: ["models/summary.sql": "select 1\nfrom {{ ref('base' }}\n"], expected: ["models/summary.sql:2:"]),
            Case(name: "an unknown materialization", files: ["models/summary.sql": "{{ config(materialized='tabel') }}\nselect 1 as n\n"],
                 expected: ["tabel", "summary"]),
            Case(name: "an undefined macro", files: ["models/summary.sql": "select {{ no_such_macro() }} as n\n"],
                 expected: ["models/summary.sql:1:", "no_such_macro"]),
            // (A dbt project renders it empty, as dbt-core does; a rops project stops on the typo.)
            Case(name: "an undefined variable", files: ["models/summary.sql": "select {{ not_defined }} as n\n"],
                 expected: ["models/summary.sql:1:", "'not_defined' is undefined"]),
            Case(name: "two models with one name", files: ["models/sub/base.sql": "select 1 as id\n"], expected: ["two models are named 'base'"]),
            Case(name: "a model file that is not UTF-8", bytes: ["models/latin1.sql": Array("select 'caf".utf8) + [0xE9] + Array("' as x\n".utf8)],
                 expected: ["models/latin1.sql"]),
            Case(name: "a macro that calls itself forever",
                 files: ["macros/forever.sql": "{% macro forever(n) %}{{ forever(n + 1) }}{% endmacro %}",
                         "models/summary.sql": "select {{ forever(0) }} as n\n"],
                 expected: ["macros/forever.sql:1:", "nested more than 200 calls deep"]),
            // A billion-laughs document: aliases must stay shared, never expanded into 10^7 nodes.
            Case(name: "a YAML alias bomb in meta",
                 files: ["models/_models.yml": "version: 2\nmodels:\n  - name: base\n    description: x\n    meta:\n"
                            + "      a: &a [x, x, x, x, x, x, x, x, x, x]\n      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                            + "      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                            + "      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                            + "      g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"],
                 command: ["docs", "generate"], expected: nil),
            Case(name: "invalid --vars", command: ["build", "--vars", "{unclosed"], expected: ["--vars is not valid YAML or JSON"]),
            Case(name: "target/ is a file", setUp: { root in
                try? FileManager.default.removeItem(atPath: root + "/target")
                FileManager.default.createFile(atPath: root + "/target", contents: Data("x".utf8))
            }, expectedAfterSetUp: ["target", "it is a file, where a directory should be"]),
            Case(name: "target/compiled is a file", setUp: { root in
                try? FileManager.default.removeItem(atPath: root + "/target")
                try FileManager.default.createDirectory(atPath: root + "/target", withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: root + "/target/compiled", contents: Data("x".utf8))
            }, expectedAfterSetUp: ["target/compiled"]),
            Case(name: "a selector that matches nothing", command: ["build", "-s", "bsae"], expected: ["the selector 'bsae' matches no node", "did you mean 'base'?"]),
            Case(name: "SQL in a selector", command: ["build", "-s", "base; drop table \(canary)"], expected: ["matches no node"]),
            Case(name: ".env is a directory (a virtualenv)", setUp: { root in
                try FileManager.default.createDirectory(atPath: root + "/.env/bin", withIntermediateDirectories: true)
            }, expectedAfterSetUp: nil),
            Case(name: "SQL in --vars used as a schema name",
                 files: ["models/summary.sql": "{{ config(schema=var('s', 'x')) }}\nselect 1 as n\n"],
                 command: ["build", "--vars", "{s: 'x\"; drop table \(canary); --'}"], expected: nil),
            Case(name: "SQL in a model's file name",
                 files: ["models/x\"; drop table \(canary); --.sql": "select 1 as n\n"], expected: nil),
        ]
    }

    func testEveryBrokenOrHostileProjectFailsClearlyAndChangesNothing() throws {
        let root = try TemporaryFolder.make(prefix: "rops-hostile-project")
        let schema = "hp\(UInt32.random(in: 0...UInt32.max))"
        let db = try TestDatabase.connect()
        let canary = "\(schema)_canary.rows"
        try db.execute("create schema \(schema)_canary")
        try db.execute("create table \(canary) as select 1 as x")
        let environment = ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"]
        func reset() throws {
            for item in ["models", "macros", "target", ".env", "project.yml"] { try? FileManager.default.removeItem(atPath: root + "/" + item) }
            for (path, text) in Self.baseline(schema) { try write(root, path, Data(text.utf8)) }
        }
        try reset()
        let first = try RopsProcess.run(["build"], in: root, environment: environment)
        XCTAssertEqual(first.status, 0, first.all)
        func baseRows() throws -> [String] {
            try db.query("select id::text || name as row from \(schema).base order by id").compactMap { $0["row"].string }
        }
        let before = try baseRows()
        XCTAssertEqual(before.count, 5)
        let cases = Self.cases(canary: canary)
        XCTAssertGreaterThanOrEqual(cases.count, 24)
        for hostile in cases {
            try reset()
            for (path, text) in hostile.files { try write(root, path, Data(text.utf8)) }
            for (path, bytes) in hostile.bytes { try write(root, path, Data(bytes)) }
            try hostile.setUp?(root)
            let start = Date()
            let outcome = try RopsProcess.run(hostile.command, in: root, environment: environment)
            var failures: [String] = []
            if Date().timeIntervalSince(start) > 30 { failures.append("took \(Int(Date().timeIntervalSince(start))) s") }
            if let expected = hostile.expected {
                if outcome.status == 0 { failures.append("exit 0") }
                for text in expected where !outcome.all.contains(text) { failures.append("no '\(text)' in:\n\(outcome.all)") }
            } else if outcome.status != 0 {
                failures.append("exit \(outcome.status):\n\(outcome.all)")
            }
            if outcome.all.contains("Fatal error") || outcome.all.contains("NSCocoaErrorDomain") { failures.append("a raw crash or Foundation error:\n\(outcome.all)") }
            if outcome.status > 128 || outcome.status < 0 { failures.append("died with status \(outcome.status)") }
            let after = try baseRows()
            if after != before { failures.append("base changed: \(before) -> \(after)") }
            let canaryAlive = try db.query("select to_regclass($1) is not null as present", [canary])[0]["present"].bool == true
            if !canaryAlive { failures.append("the canary table was dropped") }
            XCTAssertEqual(failures, [], hostile.name)
            ReliabilityLedger.shared.hostileInput(handled: failures.isEmpty, rowsLost: max(0, before.count - after.count))
            if !canaryAlive { try db.execute("create table \(canary) as select 1 as x") }
        }
    }

    private func write(_ root: String, _ relative: String, _ data: Data) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: data)
    }
}

extension HostileProjectTests.Case {
    init(name: String, setUp: @escaping (String) throws -> Void, expectedAfterSetUp: [String]?) {
        self.init(name: name, expected: expectedAfterSetUp, setUp: setUp)
    }
}
