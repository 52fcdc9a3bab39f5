import Foundation
@testable import Load
import XCTest

final class JSONScanTests: XCTestCase {
    func file(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "json-\(UInt32.random(in: 0...UInt32.max)).json"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func objectMap(_ text: String, path: [String]) throws -> (rows: [[String?]], lines: [Int], rejected: [Rejection]) {
        try objectMap(Array(text.utf8), path: path)
    }

    func objectMap(_ bytes: [UInt8], path: [String]) throws -> (rows: [[String?]], lines: [Int], rejected: [Rejection]) {
        var rows: [[String?]] = [], lines: [Int] = [], rejected: [Rejection] = []
        _ = try JSONScan.objectMap(try FileBlocks(path: try file(bytes)), path: path, onRow: { line, values in
            lines.append(line)
            rows.append(values.map { if case .text(let b) = $0 { return String(decoding: b, as: UTF8.self) } else { return nil } })
        }, onReject: { rejected.append($0) })
        return (rows, lines, rejected)
    }

    func testNestingOfAnyDepthIsSkippedWithoutOverflowingTheStack() throws {
        for depth in [1, JSONTokenizer.checkedDepth - 1, JSONTokenizer.checkedDepth, JSONTokenizer.checkedDepth + 1, 100_000] {
            let nested = String(repeating: "[{\"k\": ", count: depth) + "\"v\"" + String(repeating: "}]", count: depth)
            let result = try objectMap("{\"1\": \"a\", \"2\": \(nested), \"3\": \"c\"}", path: [])
            XCTAssertEqual(result.rows, [["1", "a"], ["3", "c"]], "depth \(depth)")
            XCTAssertEqual(result.rejected.map(\.reason), [.wrongJSONType], "depth \(depth)")
        }
        // Deep and broken: brackets that do not match are invalid JSON, not a crash.
        let broken = try objectMap("{\"1\": \"a\", \"2\": " + String(repeating: "[", count: 5000) + "}", path: [])
        XCTAssertEqual(broken.rows, [["1", "a"]])
        XCTAssertEqual(broken.rejected.map(\.reason), [.invalidJSON])
    }

    func records(_ text: String) throws -> (rows: [[String?]], rejected: [Rejection]) {
        var rows: [[String?]] = [], rejected: [Rejection] = []
        _ = try JSONScan.records(try FileBlocks(path: try file(Array(text.utf8))), columns: ["a"], onRow: { _, values in
            rows.append(values.map { if case .text(let b) = $0 { return String(decoding: b, as: UTF8.self) } else { return nil } })
        }, onReject: { rejected.append($0) })
        return (rows, rejected)
    }

    func testAnNDJSONLineCountsOnceItEnds() throws {
        // A second object on the line quarantines the whole line: the first is not also loaded.
        let result = try records("{\"a\": 1}\n{\"a\": 2} {\"a\": 3}\n{\"a\": 4}\n")
        XCTAssertEqual(result.rows, [["1"], ["4"]])
        XCTAssertEqual(result.rejected.map(\.line), [2])
        XCTAssertEqual(result.rejected.map(\.reason), [.invalidJSON])
        // In an array every element is a record of its own.
        XCTAssertEqual(try records("[{\"a\": 1}, {\"a\": 2}]").rows, [["1"], ["2"]])
    }

    func testRealMCCFileWithCRLF() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: CSVScannerTests.samples + "/mcc_codes.json")))
        let result = try objectMap(bytes, path: [])
        XCTAssertEqual(result.rows.count, 109)
        XCTAssertEqual(result.rows.first, ["5812", "Eating Places and Restaurants"])
        XCTAssertEqual(result.lines.first, 2)
        XCTAssertEqual(Set(result.rows.map { $0[0]! }).count, 109)
        XCTAssertEqual(result.rejected, [])
    }

    func testRealLabelsExcerpt() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: CSVScannerTests.samples + "/train_fraud_labels.json")))
        let result = try objectMap(bytes, path: ["target"])
        XCTAssertEqual(result.rows.map { $0[0]! }, ["10649266", "23410063", "9316588", "12478022", "9558530"])
        XCTAssertEqual(result.rows.map { $0[1]! }, ["No", "No", "No", "No", "No"])
    }

    func testEscapesAndUnicode() throws {
        let result = try objectMap(#"{"a\"b": "tab\there", "\u00e9": "\ud83d\ude00", "n": null, "x": -1.5e3, "t": true}"#, path: [])
        XCTAssertEqual(result.rows, [["a\"b", "tab\there"], ["é", "😀"], ["n", nil], ["x", "-1.5e3"], ["t", "true"]])
    }

    func testPathSkipsOtherMembersAndFailsWhenMissing() throws {
        let result = try objectMap(#"{"meta": {"skip": [1, {"x": "}"}]}, "target": {"1": "Yes"}, "after": 2}"#, path: ["target"])
        XCTAssertEqual(result.rows, [["1", "Yes"]])
        XCTAssertThrowsError(try objectMap(#"{"other": {}}"#, path: ["target"])) { error in
            XCTAssertTrue("\(error)".contains("no member \"target\""), "\(error)")
        }
        XCTAssertThrowsError(try objectMap(#"{"target": [1]}"#, path: ["target"])) { error in
            XCTAssertTrue("\(error)".contains("is not a JSON object"), "\(error)")
        }
    }

    func testTruncatedAndInvalidDocumentsKeepWhatWasComplete() throws {
        let truncated = try objectMap(#"{"target": {"1": "No", "2": "Ye"#, path: ["target"])
        XCTAssertEqual(truncated.rows, [["1", "No"]])
        XCTAssertEqual(truncated.rejected.map(\.reason), [.truncatedJSON])
        let invalid = try objectMap(#"{"1": "a" "2": "b"}"#, path: [])
        XCTAssertEqual(invalid.rows, [["1", "a"]])
        XCTAssertEqual(invalid.rejected.map(\.reason), [.invalidJSON])
    }

    func testRandomDocumentsNeverCrash() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["{", "}", "[", "]", "\"k\"", ":", ",", "\"v\"", "1", "null", " ", "\\", "\"", "tru", "\n"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0..<20, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            do { _ = try objectMap(text, path: []) } catch is StructuralError { continue }
        }
    }
}
