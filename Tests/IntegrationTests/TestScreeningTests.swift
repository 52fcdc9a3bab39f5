@testable import DataTesting
import PostgresClient
import TestSupport
import XCTest

/// Screening a relation's column tests in one scan must give exactly the results each test gives alone.
final class TestScreeningTests: XCTestCase {
    func test(_ name: String, relation: String, failingRows: String, sql: String, severity: String = "error") throws -> DataTest {
        var test = DataTest(name: name, kind: "generic", testName: name, attachedTo: nil, column: nil, dependsOn: [], sql: sql,
                            file: "models/schema.yml", line: 3, severity: severity, errorIf: try Threshold("!=0"),
                            warnIf: try Threshold("!=0"), limit: nil, storeFailures: false, auditSchema: "audit", tags: [])
        test.screen = DataTest.Screen(relation: relation, failingRows: failingRows)
        return test
    }

    func testScreenedResultsEqualResultsAlone() throws {
        let db = try TestDatabase.connect()
        let table = "screening_\(UInt32.random(in: 0...UInt32.max))"
        try db.executeScript("""
            create temporary table \(table) (a int, s text);
            insert into \(table) values (1, 'x'), (null, 'y'), (3, 'bogus'), (4, 'bogus'), (5, null);
            """)
        let other = "(select * from \(table) where a > 1) as rops_filtered"
        let third = "(select * from \(table) where s <> 'y') as rops_filtered"
        let tests = [
            try test("a_not_null", relation: table, failingRows: "a is null", sql: "select a from \(table) where a is null"),
            try test("s_accepted", relation: table, failingRows: "s not in ('x', 'y')",
                     sql: "select s, count(*) from \(table) where s not in ('x', 'y') group by s"),
            try test("a_positive", relation: table, failingRows: "not (a > 0)", sql: "select * from \(table) where not (a > 0)"),
            try test("s_not_null_warn", relation: table, failingRows: "s is null", sql: "select s from \(table) where s is null", severity: "warn"),
            try test("broken", relation: table, failingRows: "no_such_column is null", sql: "select no_such_column from \(table) where no_such_column is null"),
            try test("filtered_positive", relation: other, failingRows: "not (a > 2)", sql: "select * from \(other) where not (a > 2)"),
            try test("filtered_not_null", relation: other, failingRows: "s is null", sql: "select s from \(other) where s is null"),
            // A `where:` stays in the scanned relation, as TestCompiler screens it: a scan of its own
            // (s <> 'y') is null for the row with s null: the filter drops it, and so must the screen.
            try test("where_in_relation", relation: third, failingRows: "a is null or a > 3",
                     sql: "select * from \(third) where a is null or a > 3"),
        ]
        XCTAssertEqual(TestExecutor.units(tests), [[0, 1, 2, 3, 4], [5, 6], [7]])
        let screened = TestExecutor.runScreened(tests, on: db)
        let alone = tests.map { TestExecutor.run($0, on: db) }
        XCTAssertEqual(screened.map(\.status), [.fail, .fail, .pass, .warn, .error, .pass, .fail, .fail])
        XCTAssertEqual(screened.map(\.status), alone.map(\.status))
        XCTAssertEqual(screened.map(\.failures), alone.map(\.failures))
        XCTAssertEqual(screened.map(\.failures), [1, 1, 0, 1, 0, 0, 1, 1], "accepted_values counts distinct bad values, as alone")
        XCTAssertEqual(screened.map(\.message), alone.map(\.message))
        XCTAssertTrue(screened[4].message.contains("models/schema.yml:3"), screened[4].message)
    }
}
