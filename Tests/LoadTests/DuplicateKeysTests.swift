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

    /// The bit set against Swift's Set over dense keys arriving in every order (ascending, descending,
    /// random, around zero and at both ends of Int64): it never gives up on them, and lists them sorted.
    func testDenseIntegerSetMatchesSwiftSet() {
        var generator = SystemRandomNumberGenerator()
        let ranges: [ClosedRange<Int64>] = [7_475_000...7_700_000, -100_000...100_000,
                                           Int64.max - 200_000...Int64.max, Int64.min...Int64.min + 200_000]
        for range in ranges {
            let ascending = Array(range).filter { _ in Bool.random(using: &generator) }
            for keys in [ascending, ascending.reversed(), ascending.shuffled(using: &generator)] {
                var set = DenseIntegerSet()
                var reference = Set<Int64>()
                for key in keys + keys.prefix(1000) {
                    let expected: DenseIntegerSet.Outcome = reference.insert(key).inserted ? .inserted : .present
                    XCTAssertEqual(set.insert(key), expected, "key \(key)")
                }
                XCTAssertEqual(set.count, reference.count)
                XCTAssertEqual(set.sortedKeys(), reference.sorted())
            }
        }
    }

    /// Keys too far apart for bits: the set refuses them unchanged, whichever side they are on.
    func testDenseIntegerSetRefusesSparseKeys() {
        for far in [Int64.max, Int64.min, 1 << 29, -(1 << 29)] {
            var set = DenseIntegerSet()
            XCTAssertEqual(set.insert(5), .inserted)
            XCTAssertEqual(set.insert(far), .tooSparse)
            XCTAssertEqual(set.insert(5), .present)
            XCTAssertEqual(set.sortedKeys(), [5])
        }
    }

    /// Dense keys, then keys so far apart that the bits give up mid-load: repeats are still found
    /// on both sides of the switch.
    func testSwitchFromBitsToHashKeepsEveryKey() throws {
        let dense = (0..<3000).map { String($0 * 3) }
        let sparse = (0..<3000).map { String(Int64($0 % 2 == 0 ? 1 : -1) * (Int64($0) * 1_000_000_007 + 5_000_000_000_000)) }
        let keys = dense + sparse + dense.shuffled() + sparse.shuffled() + ["1", "2"]
        let flags = try repeats(keys.map { [$0] }, key: ["id"], columns: ["id"], types: [("id", .bigint)])
        let expected = Array(repeating: false, count: 6000) + Array(repeating: true, count: 6000) + [false, false]
        let wrong = zip(keys, zip(flags, expected)).filter { $1.0 != $1.1 }.map { "\($0.0): \($0.1.0)" }
        XCTAssertEqual(wrong, [])
    }
}
