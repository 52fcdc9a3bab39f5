import Foundation
import PostgresClient
import TestSupport
import XCTest
@testable import Load

/// The loader's type checks promise one thing above all: a value they accept casts in PostgreSQL.
/// The cases pin the formats; the fuzz test sends every accepted random value to a real server.
final class TypeCheckTests: XCTestCase {
    func check(_ type: DeclaredType, accepts good: [String], rejects bad: [String], file: StaticString = #filePath, line: UInt = #line) {
        for value in good { XCTAssertTrue(type.accepts(value), "\(type) should accept '\(value)'", file: file, line: line) }
        for value in bad { XCTAssertFalse(type.accepts(value), "\(type) should reject '\(value)'", file: file, line: line) }
    }

    func testIntegers() {
        check(.integer, accepts: ["0", "7", "-12", "2147483647", "-2147483648", "0000000001"],
              rejects: ["", "-", "+1", "1.0", " 1", "1 ", "2147483648", "-2147483649", "99999999999", "1e3", "١٢"])
        check(.bigint, accepts: ["7475327", "9223372036854775807", "-9223372036854775808"],
              rejects: ["9223372036854775808", "-9223372036854775809", "12345678901234567890", "7475327.0", "0x10"])
    }

    func testNumbersAndCurrency() {
        check(.numeric, accepts: ["58523.0", "-117.76", "0", ".5", "5.", "34.15"], rejects: ["", ".", "-", "1.2.3", "1,5", "NaN", "1e5"])
        check(.currency, accepts: ["$-77.00", "$14.57", "$24295", "-$5", "$0.5", "$99999999999999999.999"],
              rejects: ["", "$", "77.00", "$1.2.3", "N/A", "USD 12", "$ 5", "$--5", "-$-5", "$123456789012345678"])
    }

    func testDatesAndTimes() {
        check(.timestamp, accepts: ["2010-01-01 00:01:00", "2019-10-31 23:59:59", "2016-02-29 12:00:00", "2015-06-01T08:30", "2015-06-01 08:30:00.123456"],
              rejects: ["2015-13-01 00:00:00", "2015-02-29 00:00:00", "2016-02-30 12:00:00", "2014-06-01 24:00:00", "2014-06-01 23:60:00",
                        "yesterday", "2014-6-1 00:00:00", "2014-06-01", "2014-06-01 00:00:00.1234567", "2014-06-01  00:00:00"])
        check(.date, accepts: ["2000-02-29", "1999-12-31", "2019-04-30", "2019-11-30"], rejects: ["1900-02-29", "2000-00-10", "2000-01-32", "20000101", "2019-04-31", "2019-06-31", "2019-09-31", "2019-11-31"])
        check(.monthYear, accepts: ["12/2022", "09/2002", "1/2020"], rejects: ["13/2020", "00/2020", "12/20", "12-2020", "122/2020"])
        check(.boolean, accepts: ["YES", "No", "true", "f", "1", "off"], rejects: ["", "maybe", "2"])
    }

    func testTypeNames() {
        XCTAssertEqual(DeclaredType(name: "INT8"), .bigint)
        XCTAssertEqual(DeclaredType(name: "money"), .currency)
        XCTAssertNil(DeclaredType(name: "uuid"))
    }

    /// A text[] literal: every element quoted, quotes and backslashes escaped.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    /// Random strings over the characters that matter; every accepted one must cast on a real server.
    func testEveryAcceptedValueCastsInPostgreSQL() throws {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-:.$/ T+e,".map(String.init)) + ["00", "12", "29", "31", "2016", "1999", "23", "59"]
        let casts: [DeclaredType: String] = [.integer: "v::integer", .bigint: "v::bigint", .numeric: "v::numeric",
                                             .currency: "replace(v, '$', '')::numeric(20,2)", .date: "v::date", .timestamp: "v::timestamp",
                                             .monthYear: "to_date(v, 'MM/YYYY')", .boolean: "v::boolean"]
        let connection = try TestDatabase.connect()
        for type in DeclaredType.allCases {
            var accepted: [String] = []
            for _ in 0..<20_000 {
                let length = Int.random(in: 1...8, using: &random)
                let value = (0..<length).map { _ in alphabet.randomElement(using: &random)! }.joined()
                if type.accepts(value) { accepted.append(value) }
            }
            // Shaped values with random digits reach the calendar edges (Feb 29, day 31, hour 24).
            for _ in 0..<20_000 {
                let shape = ["dddd-dd-dd", "dddd-dd-dd dd:dd:dd", "dd/dddd", "d/dddd", "$-ddd.dd", "$ddddddddddddddddd.ddd", "dddddddddd", "-dddddddddddddddddd"]
                    .randomElement(using: &random)!
                let value = String(shape.map { $0 == "d" ? Character(String(Int.random(in: 0...9, using: &random))) : $0 })
                if type.accepts(value) { accepted.append(value) }
            }
            accepted += ["2010-01-01 00:01:00", "$-77.00", "12/2022", "7475327", "yes"].filter(type.accepts)
            XCTAssertFalse(accepted.isEmpty, "\(type): the fuzz found no accepted values")
            // One statement: any value that does not cast makes it fail with the offending value.
            let count = try connection.query("select count(\(casts[type]!)) as n from unnest($1::text[]) as v",
                                             [Self.textArray(accepted)])[0]["n"].int
            XCTAssertEqual(count, accepted.count, "\(type)")
        }
    }
}
