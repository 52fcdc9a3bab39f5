import PostgresClient
import TestSupport
import XCTest

/// Bound parameters travel as values, never as SQL text.
final class ParameterTests: XCTestCase {
    static let hostile: [String] = [
        "plain",
        "",
        "'",
        "''",
        "'; drop table victims; --",
        "\"; drop table victims; --",
        "$1",
        "$$ select 1 $$",
        "\\",
        "\\'",
        "E'\\x41'",
        "back\\slash and 'quote' and \"double\"",
        "line one\nline two\r\nline three\ttabbed",
        "ünïcødé ✓ 日本語 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦",
        "e\u{301} combining",
        "\u{202E}right-to-left override",
        String(repeating: "x'", count: 100_000),
        "null",
        "NULL",
        "-- comment",
        "/* comment */",
        "\u{7F}\u{1}\u{1F}",
    ]

    func testHostileStringsRoundTripExactly() throws {
        let connection = try TestDatabase.connect()
        for value in Self.hostile {
            let rows = try connection.query("select $1::text as value, length($1::text) as length", [value])
            XCTAssertEqual(rows[0]["value"].string, value)
            XCTAssertEqual(rows[0]["length"].int, value.unicodeScalars.count)
        }
    }

    func testHostileStringsStoredAsDataNotExecuted() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).victims (id int, value text)")
        for (index, value) in Self.hostile.enumerated() {
            try connection.execute("insert into \(schema).victims values ($1, $2)", [index, value])
        }
        let stored = try connection.query("select value from \(schema).victims order by id").map { $0["value"].string }
        XCTAssertEqual(stored, Self.hostile)
    }

    func testNulByteIsRefusedInsteadOfTruncated() throws {
        let connection = try TestDatabase.connect()
        XCTAssertThrowsError(try connection.query("select $1::text", ["before\u{0}after"])) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.kind, .client)
            XCTAssertTrue(error.message.contains("NUL"), error.message)
        }
        // The connection is still usable.
        XCTAssertEqual(try connection.query("select 1 as one")[0]["one"].int, 1)
    }

    func testNullsNumbersBooleansAndBytes() throws {
        let connection = try TestDatabase.connect()
        let none: String? = nil
        let row = try connection.query(
            "select $1::text is null as n, $2::int8 as i, $3::float8 as d, $4::bool as b, $5::bytea as bytes, $6::numeric as num",
            [none, Int64.max, 1.5, true, PostgresParameter.bytea([0, 1, 0xff, 0x27]), "12345678901234567890.000001"])[0]
        XCTAssertEqual(row["n"], .bool(true))
        XCTAssertEqual(row["i"], .int(Int64.max))
        XCTAssertEqual(row["d"], .double(1.5))
        XCTAssertEqual(row["b"], .bool(true))
        XCTAssertEqual(row["bytes"], .bytes([0, 1, 0xff, 0x27]))
        XCTAssertEqual(row["num"], .numeric("12345678901234567890.000001"))
    }

    func testSpecialDoubles() throws {
        let connection = try TestDatabase.connect()
        let row = try connection.query("select $1::float8 as nan, $2::float8 as inf, $3::float8 as neg",
                                       [Double.nan, Double.infinity, -Double.infinity])[0]
        XCTAssertTrue(row["nan"].double!.isNaN)
        XCTAssertEqual(row["inf"].double, .infinity)
        XCTAssertEqual(row["neg"].double, -.infinity)
    }
}
