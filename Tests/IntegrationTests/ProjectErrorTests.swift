import Foundation
import XCTest

/// Each broken project prints the file, the line and the cause, and exits non-zero, without a database.
final class ProjectErrorTests: XCTestCase {
    func expectFailure(_ change: (ProjectFixture) throws -> Void, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try ProjectFixture("mini_project")
        try change(fixture)
        let outcome = try fixture.rops(["compile"])
        XCTAssertNotEqual(outcome.status, 0, outcome.all, file: file, line: line)
        for text in expected {
            XCTAssertTrue(outcome.stderr.contains(text), "missing '\(text)' in:\n\(outcome.stderr)", file: file, line: line)
        }
        XCTAssertFalse(outcome.stderr.contains("Fatal error"), outcome.stderr, file: file, line: line)
    }

    func testCycle() throws {
        try expectFailure({
            try $0.write("models/queries/a.sql", "select * from {{ ref('b') }}")
            try $0.write("models/queries/b.sql", "select * from {{ ref('a') }}")
        }, ["models/queries/a.sql", "dependency cycle: a → b → a"])
    }

    func testMissingRefSuggestsTheNearestName() throws {
        try expectFailure({
            try $0.write("models/queries/typo.sql", "select 1\nfrom {{ ref('stg_order') }}")
        }, ["models/queries/typo.sql:2:", "no model or seed named 'stg_order'; did you mean 'stg_orders'?"])
    }

    func testDuplicateModelNames() throws {
        try expectFailure({
            try $0.write("models/queries/stg_orders.sql", "select 1")
        }, ["two models are named 'stg_orders'", "models/staging/stg_orders.sql", "models/queries/stg_orders.sql"])
    }

    func testBadYAML() throws {
        try expectFailure({
            try $0.write("models/queries/_queries.yml", "version: 2\nmodels:\n  - name: order_count\n    description: [unclosed\n")
        }, ["models/queries/_queries.yml:", "invalid YAML"])
    }

    func testUnknownConfigKeyInProjectFile() throws {
        try expectFailure({ fixture in
            let path = fixture.root + "/project.yml"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "+materialized: view", with: "+materialised: view").write(toFile: path, atomically: true, encoding: .utf8)
        }, ["project.yml:16", "unknown config '+materialised'", "did you mean '+materialized'?"])
    }

    func testUnknownFolderInProjectFile() throws {
        try expectFailure({ fixture in
            let path = fixture.root + "/project.yml"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "    queries:", with: "    querys:").write(toFile: path, atomically: true, encoding: .utf8)
        }, ["project.yml:", "'querys'", "did you mean 'queries'?"])
    }

    func testUnknownConfigKeyInYAMLProperties() throws {
        try expectFailure({
            try $0.write("models/queries/_queries.yml", "version: 2\nmodels:\n  - name: order_count\n    config:\n      materialzed: table\n")
        }, ["models/queries/_queries.yml:5", "unknown config key 'materialzed'", "did you mean 'materialized'?"])
    }

    func testUnknownPropertyKey() throws {
        try expectFailure({
            try $0.write("models/queries/_queries.yml", "version: 2\nmodels:\n  - name: order_count\n    descripton: typo\n")
        }, ["models/queries/_queries.yml:4", "unknown key 'descripton'", "did you mean 'description'?"])
    }

    func testUnknownConfigKeyInConfigCall() throws {
        try expectFailure({
            try $0.write("models/queries/bad_config.sql", "{{ config(materialzed='table') }}\nselect 1")
        }, ["models/queries/bad_config.sql:1:", "unknown config key 'materialzed'"])
    }

    func testPropertiesForAModelThatDoesNotExist() throws {
        try expectFailure({
            try $0.write("models/queries/_queries.yml", "version: 2\nmodels:\n  - name: order_cont\n")
        }, ["models/queries/_queries.yml:3", "no such model", "did you mean 'order_count'?"])
    }

    func testTemplateSyntaxError() throws {
        try expectFailure({
            try $0.write("models/queries/broken.sql", "select\n{% if true %}\n1")
        }, ["models/queries/broken.sql:3:", "'if' block opened at line 2"])
    }

    func testUndeclaredSource() throws {
        try expectFailure({
            try $0.write("models/queries/src.sql", "select * from {{ source('shop', 'order') }}")
        }, ["models/queries/src.sql:1:", "source('shop', 'order') is not declared", "did you mean 'shop.orders'?"])
    }
}
