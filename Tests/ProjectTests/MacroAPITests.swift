import Foundation
@testable import Project
import Template
import XCTest

/// The parts of dbt's macro API that need no database: digests, toyaml, modules.re, packages'
/// namespaces and dispatch, relation objects. Expected values come from Python (hashlib, PyYAML,
/// re) and from dbt-core's behaviour.
final class MacroAPITests: XCTestCase {
    func testDigestsMatchHashlib() {
        XCTAssertEqual(Digest.md5(""), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(Digest.md5("abc"), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(Digest.md5(String(repeating: "a", count: 1000)), "cabe45dcc9ae5b66ba86600cca6b8ba8")
        XCTAssertEqual(Digest.md5(String(repeating: "x", count: 64)), "c1bb4f81d892b2d57947682aeb252456")
        XCTAssertEqual(Digest.md5("héllo ✓"), "21b1ae5bc147bb564254200a4731e337")
        XCTAssertEqual(Digest.sha1("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(Digest.sha1(String(repeating: "a", count: 1000)), "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        // 55 and 56 bytes: the padding just fits in one block, and just does not.
        XCTAssertEqual(Digest.sha1(String(repeating: "x", count: 55)), "cef734ba81a024479e09eb5a75b6ddae62e6abf1")
        XCTAssertEqual(Digest.sha1(String(repeating: "x", count: 56)), "901305367c259952f4e7af8323f480d59f81335b")
    }

    func render(_ source: String) throws -> String {
        try Template(source: source).render(DbtContext.builtins(runStartedAt: Date(), invocationId: "x"))
    }

    func testToyamlIsPyYAMLsSafeDump() throws {
        XCTAssertEqual(try render("{{ toyaml({'b': 1, 'a': [1, 'x', none, true], 'c': {'d': 2.5}, 'e': [], 'f': {}, 'g': 'yes', 'h': '1.0', 'i': 'a: b', 'j': [{'k': 1, 'l': [2]}]}) }}"),
                       "b: 1\na:\n- 1\n- x\n- null\n- true\nc:\n  d: 2.5\ne: []\nf: {}\ng: 'yes'\nh: '1.0'\ni: 'a: b'\nj:\n- k: 1\n  l:\n  - 2\n")
        XCTAssertEqual(try render("{{ toyaml('plain') }}"), "plain\n...\n")
        XCTAssertEqual(try render("{{ toyaml([[1, 2], [3]]) }}"), "- - 1\n  - 2\n- - 3\n")
        XCTAssertEqual(try render("{{ local_md5('abc') }}"), "900150983cd24fb0d6963f7d28e17f72")
    }

    func testModulesReFollowsPython() throws {
        XCTAssertEqual(try render(#"{{ modules.re.sub('(?P<w>\\w+)@(\\w+)', '\\2 at \\g<w>', 'joe@site, ann@web') }}"#), "site at joe, web at ann")
        XCTAssertEqual(try render(#"{{ modules.re.findall('(\\d)-(\\d)', '1-2 3-4') }}"#), "[('1', '2'), ('3', '4')]")
        XCTAssertEqual(try render("{{ modules.re.sub('[ -]+', '_', 'a - b  c') }}"), "a_b_c")
        XCTAssertEqual(try render("{{ modules.re.search('B', 'abc', modules.re.IGNORECASE) is not none }} {{ modules.re.match('b', 'abc') is none }}"),
                       "True True")
        XCTAssertEqual(try render("{% set p = modules.re.compile('^a(.)') %}{{ p.match('abc').group(1) }}"), "b")
        XCTAssertThrowsError(try render("{{ modules.re.sub('(', 'x', 'y') }}"))
        // Braces that start no quantifier are literal in Python (dbt-codegen matches `{{ ref(...) }}`).
        XCTAssertEqual(try render(#"{{ modules.re.findall('(?i)(from|join)\\s+({{\\s*ref\\s*\\()([^)]+)(\\)\\s*}})', "select * FROM {{ ref('a') }} join {{ref('b')}}") }}"#),
                       #"[('FROM', '{{ ref(', "'a'", ') }}'), ('join', '{{ref(', "'b'", ')}}')]"#)
        XCTAssertEqual(try render("{{ modules.re.sub('a{2}|{x}', '_', 'aaa{x}') }}"), "_a_")
    }

    func testModulesItertoolsFollowsPython() throws {
        XCTAssertEqual(try render("{{ modules.itertools.chain([1, 2], [3]) }} {{ modules.itertools.product('ab', [1, 2]) }}"),
                       "[1, 2, 3] [('a', 1), ('a', 2), ('b', 1), ('b', 2)]")
        XCTAssertEqual(try render("{{ modules.itertools.combinations([1, 2, 3], 2) }} {{ modules.itertools.permutations([1, 2, 3], 2) }}"),
                       "[(1, 2), (1, 3), (2, 3)] [(1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2)]")
        XCTAssertEqual(try render("{{ modules.itertools.product([0, 1], repeat=2) }}"), "[(0, 0), (0, 1), (1, 0), (1, 1)]")
    }

    /// A package in dbt_packages/: its macros as `pkg.name()`, dispatch through `dispatch:` search
    /// orders (the root's implementation first when listed), and relations as dbt's objects.
    func testPackageNamespacesAndDispatch() throws {
        let root = try folder([
            "dbt_project.yml": """
                name: app
                dispatch:
                  - macro_namespace: pkg
                    search_order: ['app', 'pkg']
                """,
            "packages.yml": "packages:\n  - local: vendor/pkg\n",
            "dbt_packages/pkg/dbt_project.yml": "name: pkg\nvars:\n  pkg_default: 7\n",
            "dbt_packages/pkg/macros/m.sql": """
                {% macro greet(x) %}{{ return(adapter.dispatch('greet', 'pkg')(x)) }}{% endmacro %}
                {% macro default__greet(x) %}pkg says {{ x }}{% endmacro %}
                {% macro shout(x) %}{{ return(adapter.dispatch('shout', 'pkg')(x)) }}{% endmacro %}
                {% macro default__shout(x) %}{{ x | upper }}{% endmacro %}
                """,
            "macros/override.sql": "{% macro default__greet(x) %}app says {{ x }}{% endmacro %}\n",
            "models/m.sql": "{{ pkg.greet('hi') }} / {{ pkg.shout('hi') }} / {{ var('pkg_default') }} / {{ ref('n') is mapping }} {{ [ref('n'), ref('n')] | unique | list | length }}",
            "models/n.sql": "select 1",
        ])
        let project = try ProjectLoader.load(root: root, environment: [:])
        XCTAssertEqual(project.packages.map(\.name), ["pkg"])
        var context = CompileContext()
        context.database = "db"
        let compiler = try ProjectCompiler(project: project, context: context)
        let m = try compiler.compileAll().first { $0.name == "m" }!
        XCTAssertEqual(m.compiledSQL, "app says hi / HI / 7 / True 1")
        XCTAssertEqual(try compiler.renderSnippet("{{ ref('n') }} {{ ref('n').include(database=false) }} {{ ref('n').information_schema('columns') }}",
                                                  file: "x", for: nil),
                       #""db"."public"."n" "public"."n" "db".information_schema.columns"#)
        XCTAssertThrowsError(try compiler.renderSnippet("{{ adapter.dispatch('nothing', 'pkg')() }}", file: "x", for: nil)) { error in
            XCTAssertTrue("\(error)".contains("'app.default__nothing', 'pkg.postgres__nothing'"), "\(error)")
        }
    }

    /// `graph` lists the project's nodes with dbt-style ids; a project macro named `ref` wraps the
    /// built-in through `builtins.ref`, and wins over it, as in dbt; vars scoped by project name.
    func testGraphAndBuiltins() throws {
        let root = try folder([
            "dbt_project.yml": "name: app\nvars:\n  from_env: \"{{ env_var('ROPS_TEST_SURELY_UNSET', 'dflt') }}\"\n  app:\n    scoped: 3\n",
            "models/v.sql": "{{ var('scoped') }}{{ context['project_name'] }}{{ var('from_env') }}",
            "macros/ref.sql": "{% macro ref(name) %}{% do return(builtins.ref(name).include(database=false)) %}{% endmacro %}\n",
            "models/m.sql": "{{ ref('n') }} {% for node in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | sort(attribute='name') %}{{ node.unique_id }}<-{{ node.depends_on.nodes | join(',') }};{% endfor %}",
            "models/n.sql": "select 1",
        ])
        var context = CompileContext()
        context.database = "db"
        let compiler = try ProjectCompiler(project: try ProjectLoader.load(root: root, environment: [:]), context: context)
        let m = try compiler.compileAll().first { $0.name == "m" }!
        XCTAssertEqual(m.compiledSQL, #""public"."n" model.app.m<-model.app.n;model.app.n<-;model.app.v<-;"#)
        XCTAssertEqual(compiler.compiled["v"]?.compiledSQL, "3appdflt", "project-scoped vars, Jinja in vars, and dbt's context mapping")
    }

    func testDeclaredButMissingPackagesAskForDeps() throws {
        let root = try folder(["dbt_project.yml": "name: app\n", "packages.yml": "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.4.1\n"])
        XCTAssertThrowsError(try ProjectLoader.load(root: root, environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("run `rops deps`"), "\(error)")
        }
        let declared = try DeclaredPackages.read(projectRoot: root, environment: [:])!
        XCTAssertEqual(declared.packages.first?.source, .hub("dbt-labs/dbt_utils", versions: ["1.4.1"]))
    }

    func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rops-macro-api-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: root + "/" + path).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
        }
        return root
    }
}
