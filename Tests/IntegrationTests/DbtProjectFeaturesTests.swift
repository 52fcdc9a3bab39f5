import Foundation
import PostgresClient
import TestSupport
import XCTest

/// Parts of dbt projects beyond models: on-run-start/end hooks, selectors.yml, custom
/// materialization blocks in macro files, seeds enabled by a var and placed by the project's
/// generate_schema_name, names over 63 bytes.
final class DbtProjectFeaturesTests: XCTestCase {
    /// Writes `files` (path → text) under `root`, making their folders.
    func write(_ files: [String: String], into root: String) throws {
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: root + "/" + path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
        }
    }

    func testHooksSelectorsSeedsAndRefusals() throws {
        let fixture = try ProjectFixture("mini_project")
        let root = try TemporaryFolder.make(prefix: "rops-dbt-features")
        let schema = fixture.prefix + "_dbt"
        let files: [String: String] = [
            "dbt_project.yml": """
                name: misc
                profile: misc
                on-run-start:
                  - "create table if not exists {{ target.schema }}_log (event text)"
                on-run-end:
                  - "insert into {{ target.schema }}_log values ('end {{ results | length }} {{ schemas | join(\\",\\") }}')"
                seeds:
                  misc:
                    extra_seed:
                      +enabled: "{{ var('load_extra', false) }}"
                """,
            "profiles.yml": "misc:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: unused, dbname: rops_test, schema: \(schema)}\n",
            "selectors.yml": "selectors:\n  - name: just_b\n    definition:\n      union:\n        - method: fqn\n          value: b\n          parents: true\n        - exclude:\n            - a\n",
            "macros/custom.sql": """
                {% materialization weird, adapter='postgres' %}
                  {{ return({'relations': []}) }}
                {% endmaterialization %}
                {% macro generate_schema_name(custom_schema_name, node) -%}
                  {%- if node.resource_type == 'seed' -%}{{ target.schema }}_seeds{%- else -%}{{ target.schema }}{%- endif -%}
                {%- endmacro %}
                """,
            "models/a.sql": "select 1 as id\n",
            "models/b.sql": "select * from {{ ref('a') }}\n",
            "models/nulls.sql": "select null::int as id\n",
            // Test configs written with Jinja render first (severity warn here, so the build passes).
            "models/props.yml": "version: 2\nmodels:\n  - name: nulls\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              config:\n                severity: \"{{ 'warn' if target.name == 'dev' else 'error' }}\"\n",
            "seeds/extra_seed.csv": "id,x\n1,2\n",
            "seeds/base_seed.csv": "id\n1\n",
        ]
        try write(files, into: root)
        let env = ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"]
        let build = try RopsProcess.run(["build"], in: root, environment: env)
        XCTAssertEqual(build.status, 0, build.all)
        let db = try TestDatabase.connect()
        XCTAssertTrue(build.stdout.contains("0 fail") && build.stdout.contains("1 warn"), build.stdout)
        XCTAssertEqual(try db.query("select event from \(schema)_log")[0]["event"].string, "end 3 \(schema)")
        XCTAssertEqual(try db.query("select count(*)::int as n from \(schema)_seeds.base_seed")[0]["n"].int, 1)
        XCTAssertEqual(try db.query("select to_regclass('\(schema)_seeds.extra_seed') is null as gone")[0]["gone"].bool, true, "disabled by its var")
        let seeded = try RopsProcess.run(["seed", "--vars", "{load_extra: true}"], in: root, environment: env)
        XCTAssertEqual(seeded.status, 0, seeded.all)
        XCTAssertEqual(try db.query("select x::int from \(schema)_seeds.extra_seed")[0]["x"].int, 2)

        let listed = try RopsProcess.run(["ls", "--selector", "just_b"], in: root, environment: env)
        XCTAssertEqual(listed.stdout.split(separator: "\n").map { String($0.split(separator: " ").last!) }, ["b"], listed.all)

        try "{{ config(materialized='weird') }} select 1\n".write(toFile: root + "/models/c.sql", atomically: true, encoding: .utf8)
        let custom = try RopsProcess.run(["compile"], in: root, environment: env)
        XCTAssertEqual(custom.status, 1)
        XCTAssertTrue(custom.stderr.contains("models/c.sql:1: model 'c' asks for the custom materialization 'weird' (macros/custom.sql)"), custom.stderr)
        try FileManager.default.removeItem(atPath: root + "/models/c.sql")
        let long = String(repeating: "n", count: 64)
        try "select 1\n".write(toFile: root + "/models/\(long).sql", atomically: true, encoding: .utf8)
        let refused = try RopsProcess.run(["compile"], in: root, environment: env)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("is 64 bytes; PostgreSQL names are at most 63"), refused.stderr)
    }

    /// unit_tests: rows given as dict, csv and sql, vars overridden; the verdicts dbt-core 1.10
    /// gives these three (checked by hand with dbt build: pass, pass, fail).
    func testUnitTests() throws {
        let prefix = "u\(UInt32.random(in: 0...UInt32.max))"
        let root = try TemporaryFolder.make(prefix: "rops-unit-tests")
        let files: [String: String] = [
            "dbt_project.yml": "name: units\nprofile: units\n",
            "profiles.yml": "units:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: unused, dbname: rops_test, schema: \(prefix)}\n",
            "models/a.sql": "select 1 as id\n",
            "models/c.sql": "select id, id * {{ var('factor', 2) }} as doubled from {{ ref('a') }} where id > 0\n",
            "models/unit.yml": """
                unit_tests:
                  - name: doubles_positive_ids
                    model: c
                    given:
                      - input: ref('a')
                        rows: [{id: 1}, {id: -1}, {id: 3}]
                    expect:
                      rows: [{id: 1, doubled: 2}, {id: 3, doubled: 6}]
                  - name: factor_from_vars
                    model: c
                    overrides: {vars: {factor: 10}}
                    given:
                      - input: ref('a')
                        format: csv
                        rows: |
                          id
                          1
                          3
                    expect:
                      rows: [{doubled: 10}, {doubled: 30}]
                  - name: wrong_on_purpose
                    model: c
                    given:
                      - input: ref('a')
                        format: sql
                        rows: select 5 as id
                    expect:
                      rows: [{id: 5, doubled: 11}]
                """,
        ]
        try write(files, into: root)
        let env = ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"]
        let build = try RopsProcess.run(["build"], in: root, environment: env)
        XCTAssertEqual(build.status, 1, build.all)
        XCTAssertTrue(build.stdout.contains("Tests: 2 pass, 0 warn, 1 fail"), build.stdout)
        XCTAssertTrue(build.stdout.contains("rops_unit_diff=expected, not returned, doubled=11, id=5"), build.stdout)
        XCTAssertTrue(build.stdout.contains("rops_unit_diff=returned, not expected, doubled=10, id=5"), build.stdout)
        try "unit_tests:\n  - name: orphan\n    model: nope\n    given: []\n    expect: {rows: []}\n"
            .write(toFile: root + "/models/unit.yml", atomically: true, encoding: .utf8)
        let orphan = try RopsProcess.run(["test"], in: root, environment: env)
        XCTAssertEqual(orphan.status, 1)
        XCTAssertTrue(orphan.stderr.contains("models/unit.yml:2: unit test 'orphan' is for a model named 'nope'"), orphan.stderr)
    }

    /// incremental_strategy append adds the rows again whatever the unique_key (as dbt-postgres);
    /// a strategy rops does not run fails with the model's file.
    func testIncrementalAppendAndUnknownStrategies() throws {
        let schema = "i\(UInt32.random(in: 0...UInt32.max))"
        let root = try TemporaryFolder.make(prefix: "rops-incremental")
        let files = [
            "dbt_project.yml": "name: inc\nprofile: inc\n",
            "profiles.yml": "inc:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: unused, dbname: rops_test, schema: \(schema)}\n",
            "models/appended.sql": "{{ config(materialized='incremental', incremental_strategy='append', unique_key='id') }}\nselect 1 as id\n",
        ]
        try write(files, into: root)
        let env = ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"]
        for _ in 0..<2 {
            let run = try RopsProcess.run(["run"], in: root, environment: env)
            XCTAssertEqual(run.status, 0, run.all)
        }
        XCTAssertEqual(try TestDatabase.connect().query("select count(*)::int as n from \(schema).appended")[0]["n"].int, 2)
        // on_schema_change: append_new_columns adds the query's new column (old rows get null);
        // fail stops when the columns differ.
        try "{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns') }}\nselect 3 as id, 'x' as extra\n"
            .write(toFile: root + "/models/appended.sql", atomically: true, encoding: .utf8)
        let widened = try RopsProcess.run(["run"], in: root, environment: env)
        XCTAssertEqual(widened.status, 0, widened.all)
        XCTAssertEqual(try TestDatabase.connect().query("select count(extra)::int as n, count(*)::int as total from \(schema).appended")[0]["n"].int, 1)
        try "{{ config(materialized='incremental', on_schema_change='fail') }}\nselect 4 as id, 'x' as extra, 1 as more\n"
            .write(toFile: root + "/models/appended.sql", atomically: true, encoding: .utf8)
        let failed = try RopsProcess.run(["run"], in: root, environment: env)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.all.contains("on_schema_change: fail, and the columns changed: added [\"more\"]"), failed.all)
        try "{{ config(materialized='incremental', incremental_strategy='insert_overwrite') }}\nselect 1 as id\n"
            .write(toFile: root + "/models/appended.sql", atomically: true, encoding: .utf8)
        let refused = try RopsProcess.run(["run"], in: root, environment: env)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.all.contains("models/appended.sql: incremental_strategy 'insert_overwrite' is not one rops runs on PostgreSQL"), refused.all)
    }
}
