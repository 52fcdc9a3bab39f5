import Foundation
@testable import Project
import Template
import XCTest

/// The Python builtins dbt adds to the template context, through a compiled project (no database).
final class DbtContextTests: XCTestCase {
    func compile(_ sql: String, context: CompileContext = CompileContext()) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rops-dbt-context-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/models", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "name: p\n".write(toFile: root + "/project.yml", atomically: true, encoding: .utf8)
        try sql.write(toFile: root + "/models/m.sql", atomically: true, encoding: .utf8)
        let compiler = try ProjectCompiler(project: try ProjectLoader.load(root: root, environment: [:]), context: context)
        return try compiler.compileAll()[0].compiledSQL
    }

    /// A macro from macros/ sees the calling model's context, as dbt gives every macro the node's:
    /// `ref`, `source`, `this`, `execute`, and `config` both called and read (`config.get`, `config.require`).
    func testMacrosSeeTheCallingModelsContext() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rops-dbt-macro-context-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = [
            "project.yml": "name: p\nmodels:\n  +materialized: table\n",
            "models/a.sql": "select 1 as id\n",
            "models/b.sql": "{{ config(tags=['x'], alias='bee') }}select * from {{ upstream('a') }} -- {{ about() }}\n",
            "macros/m.sql": "{% macro upstream(name) %}{{ ref(name) }}{% endmacro %}\n"
                + "{% macro about() %}{{ this.identifier }} {{ execute }} {{ config.get('materialized') }} {{ config.get('nope', 'dflt') }} {{ config.require('alias') }}{% endmacro %}\n",
        ]
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: root + "/" + path).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
        }
        let compiler = try ProjectCompiler(project: try ProjectLoader.load(root: root, environment: [:]), context: CompileContext())
        let b = try compiler.compileAll().first { $0.name == "b" }!
        XCTAssertEqual(b.compiledSQL, "select * from \"public\".\"a\" -- bee False table dflt bee")
        XCTAssertEqual(b.refs, ["a"], "a ref() inside a macro is a dependency of the model")
    }

    func testPythonBuiltins() throws {
        XCTAssertEqual(try compile("{{ zip([1, 2, 3], ['a', 'b']) | list }}"), "[(1, 'a'), (2, 'b')]")
        XCTAssertEqual(try compile("{{ set([3, 1, 3, 'x', 'x']) }}"), "[3, 1, 'x']")
        XCTAssertEqual(try compile(#"{% set j = fromjson('{"n": 1, "ok": true, "list": [1.5, null]}') %}{{ j.n + 1 }} {{ j.ok }} {{ j.list }}"#),
                       "2 True [1.5, None]")
        XCTAssertEqual(try compile("{{ fromjson('not json', 'fallback') }}"), "fallback")
        XCTAssertEqual(try compile("{{ fromyaml('a: [1, b]')['a'] }}"), "[1, 'b']")
        XCTAssertEqual(try compile("{{ invocation_id | length }}"), "36")
    }

    func testDatesAreUTCDatetimes() throws {
        var context = CompileContext()
        context.runStartedAt = Date(timeIntervalSince1970: 1_582_981_500.25)  // 2020-02-29 13:05:00.25 UTC
        XCTAssertEqual(try compile("{{ run_started_at }}|{{ run_started_at.isoformat() }}|{{ run_started_at.strftime('%Y%m%d %H:%M:%S.%f %j %a %B %I%p %%') }}",
                                   context: context),
                       "2020-02-29 13:05:00.250000+00:00|2020-02-29T13:05:00.250000+00:00|20200229 13:05:00.250000 060 Sat February 01PM %")
        XCTAssertEqual(try compile("{{ run_started_at.date() }} {{ run_started_at.year }} {{ run_started_at.isoweekday() }}", context: context),
                       "2020-02-29 2020 6")
        XCTAssertEqual(try compile("{{ modules.datetime.date(2019, 12, 31) }} {{ modules.datetime.datetime(2019, 12, 31, 23, 59).strftime('%Y-%m-%dT%H:%M') }}"),
                       "2019-12-31 2019-12-31T23:59")
        XCTAssertEqual(try compile("{{ modules.datetime.datetime.now().year >= 2026 }} {{ modules.datetime.date.today().day > 0 }}"), "True True")
    }
}
