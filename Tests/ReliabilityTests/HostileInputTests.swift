import Foundation
import PostgresClient
import TestSupport
import XCTest

/// A corpus of hostile data files, each loaded over a table that already holds good rows. Every
/// class ends in one of three ways, and nothing else passes:
/// - quarantined: the load succeeds, the bad records sit in `<table>__rejected` with a line and the
///   expected reason, and loaded + quarantined records add up to the file's records;
/// - refused: the load fails with the file's path and the cause, and the table keeps its rows;
/// - accepted: the file is valid after all (a BOM, mixed line ends) and its values arrive intact.
final class HostileDataTests: XCTestCase {
    enum Outcome {
        case quarantined(reasons: [String], records: Int)
        case refused(String)
        /// Rows expected, and a query on the table (`T` stands for it) with the text it must return.
        case accepted(rows: Int, check: (sql: String, value: String?)?)
    }

    enum Content {
        case bytes([UInt8])
        case text(String)
        case directory
        case missing
    }

    struct Case {
        let name: String
        let source: String
        let content: Content
        let outcome: Outcome
    }

    override func setUp() { ReliabilityLedger.register() }

    static let header = "id,name,amount\n"
    static let good = header + "1,a,1.00\n2,b,2.00\n"
    static let goodLabels = #"{"target": {"1": "No", "2": "Yes""#

    static var cases: [Case] {
        let csv = { (name: String, content: Content, outcome: Outcome) in Case(name: "csv: " + name, source: "t", content: content, outcome: outcome) }
        let labels = { (name: String, content: Content, outcome: Outcome) in Case(name: "json: " + name, source: "labels", content: content, outcome: outcome) }
        let events = { (name: String, content: Content, outcome: Outcome) in Case(name: "ndjson: " + name, source: "events", content: content, outcome: outcome) }
        let goodEvents = "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n"
        // The same garbage every run (xorshift64).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let random = (0..<4096).map { _ -> UInt8 in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        return [
            csv("ragged line, too few fields", .text(good + "3,c\n"), .quarantined(reasons: ["wrong_field_count"], records: 3)),
            csv("ragged line, too many fields", .text(good + "3,c,3.00,extra\n"), .quarantined(reasons: ["wrong_field_count"], records: 3)),
            csv("NUL byte in a field", .bytes(Array((good + "3,c").utf8) + [0] + Array(",3.00\n".utf8)), .quarantined(reasons: ["nul_byte"], records: 3)),
            csv("invalid UTF-8", .bytes(Array((good + "3,c").utf8) + [0xFF, 0xC3] + Array(",3.00\n".utf8)), .quarantined(reasons: ["invalid_utf8"], records: 3)),
            csv("overlong UTF-8 encoding", .bytes(Array((good + "3,c").utf8) + [0xC0, 0xAF] + Array(",3.00\n".utf8)), .quarantined(reasons: ["invalid_utf8"], records: 3)),
            csv("unclosed quote at the end", .text(good + "3,\"c,3.00\n"), .quarantined(reasons: ["unclosed_quote"], records: 3)),
            csv("cut off mid-record", .text(good + "3,c"), .quarantined(reasons: ["wrong_field_count"], records: 3)),
            csv("UTF-8 byte order mark", .text("\u{FEFF}" + good + "3,c,3.00\n"), .accepted(rows: 3, check: ("select id from T where name = 'a'", "1"))),
            csv("CRLF and LF mixed", .text("id,name,amount\r\n1,a,1.00\n2,b,2.00\r\n3,c,3.00\n"), .accepted(rows: 3, check: ("select name from T where id = '2'", "b"))),
            csv("no newline at the end", .text(good + "3,c,3.00"), .accepted(rows: 3, check: ("select amount from T where id = '3'", "3.00"))),
            csv("huge field (4 MB)", .text(good + "3," + String(repeating: "x", count: 4 << 20) + ",3.00\n"),
                .accepted(rows: 3, check: ("select length(name)::text from T where id = '3'", "\(4 << 20)"))),
            csv("huge line without an end (20 MB)", .text(good + "3," + String(repeating: "y", count: 20 << 20)), .quarantined(reasons: ["wrong_field_count"], records: 3)),
            csv("quoted newlines and doubled quotes", .text(good + "3,\"c\nd \"\"q\"\"\",3.00\n"), .accepted(rows: 3, check: ("select name from T where id = '3'", "c\nd \"q\""))),
            csv("blank lines between records", .text(header + "1,a,1.00\n\n2,b,2.00\n\n3,c,3.00\n"), .accepted(rows: 3, check: ("select count(*)::text from T where name is null", "0"))),
            csv("a line of delimiters only", .text(good + ",,\n"), .accepted(rows: 3, check: ("select count(*)::text from T where id is null", "1"))),
            csv("a value that fails its declared type", .text(good + "x3,c,3.00\n"), .accepted(rows: 3, check: ("select _rops_invalid from T where name = 'c'", "id"))),
            csv("a repeated unique key", .text(good + "2,dup,9.00\n"), .accepted(rows: 3, check: ("select _rops_duplicate::text from T where name = 'dup'", "true"))),
            csv("0-byte file", .text(""), .refused("the file is empty")),
            csv("byte order mark only", .text("\u{FEFF}"), .refused("the file is empty")),
            csv("header only", .text(header), .refused("would replace the 3 of")),
            csv("a directory instead of a file", .directory, .refused("is a directory, not a data file")),
            csv("file missing", .missing, .refused("file not found")),
            csv("other columns in the header", .text("id,title,amount\n1,a,1.00\n2,b,2.00\n3,c,3.00\n"), .refused("does not match the declared columns")),
            csv("a header repeating a column", .text("id,id,amount\n1,a,1.00\n2,b,2.00\n3,c,3.00\n"), .refused("does not match the declared columns")),
            csv("CR-only line ends", .text("id,name,amount\r1,a,1.00\r2,b,2.00\r3,c,3.00\r"), .refused("does not match the declared columns")),
            csv("UTF-16 text", .bytes([0xFF, 0xFE] + Array(good.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), .refused("the header line cannot be read (nul_byte")),
            csv("gzip-compressed file (not supported: refused, not misread)", .bytes([0x1F, 0x8B, 0x08, 0x00] + Array(good.utf8.prefix(20))), .refused("the header line cannot be read")),
            csv("binary garbage", .bytes(random), .refused("the header line cannot be read")),
            csv("a file of a third of the rows", .text(header + "1,a,1.00\n"), .refused("-67%")),

            labels("document cut short", .text(goodLabels + ", \"3\": \"N"), .refused("the JSON document ends in the middle of a value")),
            labels("duplicate keys", .text(goodLabels + ", \"2\": \"No\", \"3\": \"No\"}}"),
                   .accepted(rows: 4, check: ("select count(*)::text from T where _rops_duplicate", "1"))),
            labels("nesting 100,000 deep", .text(goodLabels + ", \"3\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}}"),
                   .quarantined(reasons: ["wrong_json_type"], records: 3)),
            labels("an object where a scalar belongs", .text(goodLabels + ", \"3\": {\"x\": 1}}}"), .quarantined(reasons: ["wrong_json_type"], records: 3)),
            labels("an invalid escape", .text(goodLabels + ", \"3\": \"N\\x\"}}"), .quarantined(reasons: ["invalid_json"], records: 3)),
            labels("an escaped NUL", .text(goodLabels + ", \"3\": \"N\\u0000\"}}"), .quarantined(reasons: ["nul_byte"], records: 3)),
            labels("a lone surrogate escape", .text(goodLabels + ", \"3\": \"\\ud800\"}}"), .quarantined(reasons: ["invalid_json"], records: 3)),
            labels("invalid UTF-8 in a string", .bytes(Array((goodLabels + ", \"3\": \"N").utf8) + [0xFF] + Array("\"}}".utf8)),
                   .quarantined(reasons: ["invalid_utf8"], records: 3)),
            labels("text after the document", .text(goodLabels + ", \"3\": \"No\"}} trailing"), .quarantined(reasons: ["invalid_json"], records: 4)),
            labels("a number too large for any type", .text(goodLabels + ", \"3\": 1e999999}}"), .accepted(rows: 3, check: ("select value from T where key = '3'", "1e999999"))),
            labels("not JSON at all", .text(good), .refused("expected a JSON object at the top of the file")),
            labels("an empty file", .text(""), .refused("the file is empty")),
            labels("an array where the object belongs", .text("[{\"1\": \"No\"}]"), .refused("expected a JSON object at the top of the file")),
            labels("the member named by json_path missing", .text("{\"other\": {\"1\": \"No\", \"2\": \"Yes\", \"3\": \"No\"}}"), .refused("no member \"target\"")),
            labels("json_path naming a scalar", .text("{\"target\": 7}"), .refused("\"target\" is not a JSON object")),

            events("a broken line", .text(goodEvents + "{\"a\": \n"), .quarantined(reasons: ["invalid_json"], records: 3)),
            events("an array instead of an object", .text(goodEvents + "[1]\n"), .quarantined(reasons: ["wrong_json_type"], records: 3)),
            events("a nested value", .text(goodEvents + "{\"a\": {\"n\": 1}}\n"), .quarantined(reasons: ["wrong_json_type"], records: 3)),
            events("two objects on one line", .text(goodEvents + "{\"a\": 3} {\"a\": 4}\n"), .quarantined(reasons: ["invalid_json"], records: 3)),
        ]
    }

    static let baselines: [String: String] = [
        "t": good + "3,c,3.00\n",
        "labels": goodLabels + ", \"3\": \"No\"}}",
        "events": "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n{\"a\": 3, \"b\": \"z\"}\n",
    ]
    static let files = ["t": "data/t.csv", "labels": "data/labels.json", "events": "data/events.ndjson"]

    func testEveryHostileDataFileIsQuarantinedRefusedOrAcceptedIntact() throws {
        let project = try HostileProject()
        let db = try TestDatabase.connect()
        XCTAssertGreaterThanOrEqual(Self.cases.count, 45)
        for hostile in Self.cases {
            let file = Self.files[hostile.source]!, table = project.raw + "." + hostile.source
            try project.put(file, .text(Self.baselines[hostile.source]!))
            let baseline = try project.rops(["load", "-s", hostile.source])
            XCTAssertEqual(baseline.status, 0, "\(hostile.name): baseline load\n\(baseline.all)")
            let before = try project.state(of: table, db)
            try project.put(file, hostile.content)
            let result = try project.rops(["load", "-s", hostile.source])
            var failures: [String] = []
            var lost = 0
            switch hostile.outcome {
            case .refused(let cause):
                if result.status == 0 { failures.append("exit 0") }
                if !result.stderr.contains(file) { failures.append("no file path in: \(result.stderr)") }
                if !result.stderr.contains(cause) { failures.append("no '\(cause)' in: \(result.stderr)") }
                let after = try project.state(of: table, db)
                if after != before { failures.append("the table changed: \(before) -> \(after)"); lost = max(0, before.rows - after.rows) }
            case .quarantined(let reasons, let records):
                if result.status != 0 { failures.append("exit \(result.status): \(result.all)") }
                let rejected = try db.query("select reason, _rops_line from \(table)__rejected order by _rops_line")
                let found = rejected.compactMap { $0["reason"].string }
                if found != reasons { failures.append("reasons \(found), expected \(reasons)") }
                if rejected.contains(where: { ($0["_rops_line"].int ?? 0) < 1 }) { failures.append("a rejection without a line") }
                let loaded = try project.state(of: table, db).rows
                if loaded + rejected.count != records {
                    failures.append("\(loaded) loaded + \(rejected.count) quarantined of \(records) records")
                    lost = max(0, records - loaded - rejected.count)
                }
            case .accepted(let rows, let check):
                if result.status != 0 { failures.append("exit \(result.status): \(result.all)") }
                let loaded = try project.state(of: table, db).rows
                if loaded != rows { failures.append("\(loaded) rows, expected \(rows)"); lost = max(0, rows - loaded) }
                if let check {
                    let value = try db.query(check.sql.replacingOccurrences(of: " T ", with: " \(table) "))[0][0].string
                    if value != check.value { failures.append("\(check.sql) gave \(value ?? "NULL"), expected \(check.value ?? "NULL")") }
                }
            }
            if result.all.contains("Fatal error") || result.all.contains("NSCocoaErrorDomain") { failures.append("a raw crash or Foundation error: \(result.all)") }
            XCTAssertEqual(failures, [], hostile.name)
            ReliabilityLedger.shared.hostileInput(handled: failures.isEmpty, rowsLost: lost)
        }
    }
}

/// A small project with three loaded sources (CSV with declared columns, types and a key; a JSON
/// object map; NDJSON records) in a schema of its own on the test database.
struct HostileProject {
    let root: String
    let prefix: String
    var raw: String { prefix + "_raw" }

    init() throws {
        prefix = "h\(UInt32.random(in: 0...UInt32.max))"
        root = try TemporaryFolder.make(prefix: "rops-hostile")
        try write("project.yml", "name: \(prefix)\n")
        try write("models/sources.yml", """
            version: 2
            sources:
              - name: hostile
                schema: \(prefix)_raw
                tables:
                  - name: t
                    columns: [{name: id}, {name: name}, {name: amount}]
                    loader: {path: data/t.csv, types: {id: integer}, unique_key: id}
                  - name: labels
                    loader: {path: data/labels.json, json_path: target, unique_key: key}
                  - name: events
                    loader: {path: data/events.ndjson, format: json}
            """)
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func put(_ relative: String, _ content: HostileDataTests.Content) throws {
        let path = root + "/" + relative
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        switch content {
        case .bytes(let bytes): FileManager.default.createFile(atPath: path, contents: Data(bytes))
        case .text(let text): FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        case .directory: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        case .missing: break
        }
    }

    @discardableResult
    func rops(_ arguments: [String], environment: [String: String] = [:]) throws -> RopsProcess.Outcome {
        try RopsProcess.run(arguments, in: root, environment: ["DB_CONNECTION_STRING": TestDatabase.url, "CI": "true"].merging(environment) { $1 })
    }

    struct TableState: Equatable, CustomStringConvertible {
        let rows: Int
        let checksum: String
        var description: String { "\(rows) rows (\(checksum.prefix(8)))" }
    }

    func state(of table: String, _ db: PostgresConnection) throws -> TableState {
        let row = try db.query("select count(*)::bigint as rows, coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') as checksum from \(table) t")[0]
        return TableState(rows: row["rows"].int ?? -1, checksum: row["checksum"].string ?? "")
    }
}
