import Foundation
import PostgresClient
import TestSupport
import XCTest

/// Parts of dbt projects beyond models: on-run-start/end hooks, selectors.yml, custom
/// materialization blocks in macro files, seeds enabled by a var and placed by the project's
/// generate_schema_name, names over 63 bytes.
final class DbtProjectFeaturesTests: XCTestCase {
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
            "seeds/extra_seed.csv": "id,x\n1,2\n",
            "seeds/base_seed.csv": "id\n1\n",
        ]
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: root + "/" + path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
        }
        let env = ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"]
        let build = try RopsProcess.run(["build"], in: root, environment: env)
        XCTAssertEqual(build.status, 0, build.all)
        let db = try TestDatabase.connect()
        XCTAssertEqual(try db.query("select event from \(schema)_log")[0]["event"].string, "end 2 \(schema)")
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
}
