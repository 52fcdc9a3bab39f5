import PostgresClient
import TestSupport
import XCTest

final class CopyInTests: XCTestCase {
    /// Row `i` of the million-row fixture: quotes, commas, newlines and non-ASCII on some rows.
    static func payload(_ i: Int) -> String {
        switch i % 7 {
        case 0: return "plain \(i)"
        case 1: return "comma, \"quote\" \(i)"
        case 2: return "new\nline \(i)"
        case 3: return "ünïcødé ✓ \(i)"
        case 4: return ""
        case 5: return "back\\slash \(i)"
        default: return String(repeating: "z", count: i % 97)
        }
    }

    static func csvField(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func testMillionRowsRoundTripExactly() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).big (id int8, payload text, amount numeric(12,2), flag bool)")
        let total = 1_000_000
        let copied = try connection.copyIn("copy \(schema).big from stdin (format csv)") { writer in
            var chunk = ""
            for i in 0..<total {
                let flag = i % 11 == 0 ? "" : (i % 2 == 0 ? "t" : "f")  // empty unquoted = NULL in CSV
                chunk += "\(i),\(Self.csvField(Self.payload(i))),\(i / 100).\(i % 100 < 10 ? "0" : "")\(i % 100),\(flag)\n"
                if chunk.utf8.count > 256 * 1024 { try writer.write(chunk); chunk = "" }
            }
            try writer.write(chunk)
        }
        XCTAssertEqual(copied, total)
        // Compare every row, 100k at a time.
        let step = 100_000
        for start in stride(from: 0, to: total, by: step) {
            let rows = try connection.query(
                "select id, payload, amount::text as amount, flag from \(schema).big where id >= $1 and id < $2 order by id",
                [start, start + step])
            XCTAssertEqual(rows.count, step)
            for row in rows {
                let i = row["id"].int!
                if row["payload"].string != Self.payload(i) { return XCTFail("payload of row \(i): \(row)") }
                let expectedAmount = "\(i / 100).\(i % 100 < 10 ? "0" : "")\(i % 100)"
                if row["amount"].string != expectedAmount { return XCTFail("amount of row \(i): \(row)") }
                let expectedFlag: PostgresValue = i % 11 == 0 ? .null : .bool(i % 2 == 0)
                if row["flag"] != expectedFlag { return XCTFail("flag of row \(i): \(row)") }
            }
        }
    }

    func testAbortedCopyStoresNothing() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).c (x int)")
        struct Stop: Error {}
        XCTAssertThrowsError(try connection.copyIn("copy \(schema).c from stdin") { writer in
            for i in 0..<10_000 { try writer.write("\(i)\n") }
            try writer.flush()
            throw Stop()
        }) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(try connection.query("select count(*) as n from \(schema).c")[0]["n"].int, 0)
    }

    func testBadDataFailsWithServerErrorAndConnectionRecovers() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).c (x int)")
        XCTAssertThrowsError(try connection.copyIn("copy \(schema).c from stdin") { writer in
            try writer.write("1\n2\nthree\n4\n")
        }) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.sqlState, SQLState.invalidTextRepresentation)
            XCTAssertTrue(error.message.contains("three"), error.message)
        }
        XCTAssertEqual(try connection.query("select count(*) as n from \(schema).c")[0]["n"].int, 0)
    }

    func testCopyRefusesNonCopyStatements() throws {
        let connection = try TestDatabase.connect()
        XCTAssertThrowsError(try connection.copyIn("select 1") { _ in })
        XCTAssertThrowsError(try connection.copyIn("copy no_such_table from stdin") { _ in }) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, SQLState.undefinedTable)
        }
        XCTAssertEqual(try connection.query("select 1 as one")[0]["one"].int, 1)
    }

    func testCopyFromStdinThroughExecuteIsRefusedCleanly() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).c (x int)")
        XCTAssertThrowsError(try connection.execute("copy \(schema).c from stdin"))
        XCTAssertEqual(try connection.query("select 1 as one")[0]["one"].int, 1)
    }
}
