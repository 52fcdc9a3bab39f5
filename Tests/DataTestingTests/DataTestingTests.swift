@testable import DataTesting
import Foundation
import XCTest

/// The pure parts of data testing: thresholds, judging a count, grouping tests into shared scans,
/// and test names that fit PostgreSQL.
final class DataTestingTests: XCTestCase {
    func test(_ name: String, relation: String? = nil, condition: String = "x is null", severity: String = "error",
              errorIf: String = "!=0", warnIf: String = "!=0") throws -> DataTest {
        var test = DataTest(name: name, kind: "generic", testName: "not_null", attachedTo: "model.m", column: "x", dependsOn: ["model.m"],
                            sql: "select 1", file: "models/m.yml", line: 3, severity: severity, errorIf: try Threshold(errorIf),
                            warnIf: try Threshold(warnIf), limit: nil, storeFailures: false, auditSchema: "a", tags: [])
        if let relation { test.screen = DataTest.Screen(relation: relation, failingRows: condition) }
        return test
    }

    func testThresholdsParseAsDbtWritesThem() throws {
        let cases: [(String, String, [Int: Bool])] = [
            ("!=0", "!=0", [0: false, 1: true, 7: true]), (">10", ">10", [10: false, 11: true]), (">= 5", ">=5", [4: false, 5: true]),
            ("<3", "<3", [2: true, 3: false]), ("<=3", "<=3", [3: true, 4: false]), ("=2", "==2", [2: true, 1: false]),
            ("==2", "==2", [2: true, 3: false]),
        ]
        for (text, normalised, trips) in cases {
            let threshold = try Threshold(text)
            XCTAssertEqual(threshold.description, normalised, text)
            for (count, expected) in trips { XCTAssertEqual(threshold.trips(count), expected, "\(text) with \(count)") }
        }
        for bad in ["", ">", "ten", "!=x", "~5", ">1.5"] {
            XCTAssertThrowsError(try Threshold(bad), bad)
        }
    }

    func testAFailureCountIsJudgedBySeverityAndThresholds() throws {
        XCTAssertEqual(TestExecutor.judge(try test("a"), failures: 0, seconds: 0).status, .pass)
        XCTAssertEqual(TestExecutor.judge(try test("a"), failures: 2, seconds: 0).status, .fail)
        XCTAssertEqual(TestExecutor.judge(try test("a", severity: "warn"), failures: 2, seconds: 0).status, .warn)
        // error_if above the count: only the warning threshold trips.
        XCTAssertEqual(TestExecutor.judge(try test("a", errorIf: ">10"), failures: 2, seconds: 0).status, .warn)
        XCTAssertEqual(TestExecutor.judge(try test("a", errorIf: ">10", warnIf: ">5"), failures: 2, seconds: 0).status, .pass)
        XCTAssertEqual(TestExecutor.judge(try test("a", errorIf: ">10"), failures: 11, seconds: 0).status, .fail)
    }

    func testScreenableTestsOfOneRelationShareAScanInTheOrderOfTheirFirstTest() throws {
        let tests = [try test("a", relation: "r1"), try test("b"), try test("c", relation: "r2"), try test("d", relation: "r1"),
                     try test("e", relation: "r2"), try test("f")]
        XCTAssertEqual(TestExecutor.units(tests), [[0, 3], [1], [2, 4], [5]])
        XCTAssertEqual(TestExecutor.units([]), [])
    }

    func testNamesFitPostgreSQLIdentifiersAndStayDistinct() {
        XCTAssertEqual(TestCompiler.sanitise("Not-Null: Orders.ID"), "not_null__orders_id")
        let long = String(repeating: "accepted_values_", count: 6)
        let a = TestCompiler.sanitise(long + "a"), b = TestCompiler.sanitise(long + "b")
        XCTAssertLessThanOrEqual(a.utf8.count, 63)
        XCTAssertNotEqual(a, b, "two long names that differ at the end must not collide")
    }
}
