@testable import Load
import XCTest

final class DuplicateKeysTests: XCTestCase {
    func repeats(_ rows: [[String?]], key: [String], columns: [String], types: [(column: String, type: DeclaredType)] = []) throws -> [Bool] {
        var keys = try DuplicateKeys(key: key, columns: columns, types: types, file: "t.csv")
        return rows.map { row in
            let values = row.map { $0.map { JSONScalar.text(Array($0.utf8)) } ?? .null }
            return keys.isRepeat(values)
        }
    }

    func testIntegerKeysCompareAsNumbers() throws {
        let rows: [[String?]] = [["1"], ["01"], ["-0"], ["0"], ["-9223372036854775808"], ["-9223372036854775808"], ["9223372036854775807"]]
        XCTAssertEqual(try repeats(rows, key: ["id"], columns: ["id"], types: [("id", .bigint)]),
                       [false, true, false, true, false, true, false])
    }

    func testNullAndInvalidKeysAreNeverRepeats() throws {
        let rows: [[String?]] = [[nil], [nil], ["x"], ["x"], ["2147483648"], ["2147483648"], ["5"], ["5"]]
        XCTAssertEqual(try repeats(rows, key: ["id"], columns: ["id"], types: [("id", .integer)]),
                       [false, false, false, false, false, false, false, true])
    }

    func testUntypedAndCompositeKeysCompareBytes() throws {
        XCTAssertEqual(try repeats([["7"], ["07"], ["7"], [""], [""]], key: ["id"], columns: ["id"]), [false, false, true, false, true])
        let pairs: [[String?]] = [["ab", "c"], ["a", "bc"], ["ab", "c"], ["a", nil], ["a", nil]]
        XCTAssertEqual(try repeats(pairs, key: ["a", "b"], columns: ["a", "b"]), [false, false, true, false, false])
    }

    func testUnknownKeyColumnNamesTheFile() {
        XCTAssertThrowsError(try DuplicateKeys(key: ["nope"], columns: ["id"], types: [], file: "data/raw/t.csv")) { error in
            XCTAssertTrue("\(error)".contains("nope") && "\(error)".contains("data/raw/t.csv"), "\(error)")
        }
    }

    /// Random keys against a reference dictionary: the flag is set exactly on second and later sightings.
    func testRandomKeysMatchAReference() throws {
        var generator = SystemRandomNumberGenerator()
        for typed in [true, false] {
            var seen = Set<String>()
            var expected: [Bool] = []
            var rows: [[String?]] = []
            for _ in 0..<5_000 {
                let value = Int.random(in: -300...300, using: &generator)
                let text = Bool.random(using: &generator) ? String(value) : (value < 0 ? "-0" + String(-value) : "0" + String(value))
                rows.append([text])
                let canonical = typed ? String(value) : text
                expected.append(!seen.insert(canonical).inserted)
            }
            XCTAssertEqual(try repeats(rows, key: ["id"], columns: ["id"], types: typed ? [("id", .integer)] : []), expected)
        }
    }

    /// The open-addressing set against Swift's Set: random keys with many repeats, the sentinel
    /// value, the extremes, and enough keys to grow the table several times.
    func testIntegerSetMatchesSwiftSet() {
        var generator = SystemRandomNumberGenerator()
        var reference = Set<Int64>()
        var set = IntegerSet()
        let specials: [Int64] = [Int64.min, Int64.max, 0, -1, Int64.min + 1]
        for round in 0..<400_000 {
            let key: Int64 = round % 1000 == 0 ? specials.randomElement(using: &generator)!
                : Int64.random(in: -150_000...150_000, using: &generator) &* (round % 2 == 0 ? 1 : 1 << 40)
            XCTAssertEqual(set.insert(key), reference.insert(key).inserted, "key \(key)")
        }
    }
}
