import Foundation
import PostgresClient
import TestSupport
import XCTest

/// `rops load` end to end: the real sample files, a hostile corpus, append mode, and a killed load.
final class LoadIntegrationTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/real-samples").path

    func fixtureWithSamples() throws -> ProjectFixture {
        let fixture = try ProjectFixture("load_project")
        try FileManager.default.createDirectory(atPath: fixture.root + "/data/raw", withIntermediateDirectories: true)
        for name in ["transactions_data.csv", "cards_data.csv", "users_data.csv", "mcc_codes.json", "train_fraud_labels.json"] {
            try FileManager.default.copyItem(atPath: Self.samples + "/" + name, toPath: fixture.root + "/data/raw/" + name)
        }
        return fixture
    }

    func testRealSamplesLoadExactly() throws {
        let fixture = try fixtureWithSamples()
        let db = try TestDatabase.connect()
        let outcome = try fixture.rops(["load"])
        XCTAssertEqual(outcome.status, 0, outcome.all)
        let raw = fixture.prefix + "_raw"
        func count(_ table: String) throws -> Int? { try db.query("select count(*)::int as n from \(raw).\(table)")[0]["n"].int }
        XCTAssertEqual(try count("transactions"), 65)
        XCTAssertEqual(try count("cards"), 65)
        XCTAssertEqual(try count("users"), 45)
        XCTAssertEqual(try count("mcc_codes"), 109)
        XCTAssertEqual(try count("fraud_labels"), 5)
        for table in ["transactions", "cards", "users", "mcc_codes", "fraud_labels"] {
            XCTAssertEqual(try count(table + "__rejected"), 0, table)
        }
        let first = try db.query("select * from \(raw).transactions order by _rops_line limit 1")[0]
        XCTAssertEqual(first["id"].string, "7475327")
        XCTAssertEqual(first["amount"].string, "$-77.00")
        XCTAssertEqual(first["zip"].string, "58523.0")
        XCTAssertEqual(first["errors"], .null)
        XCTAssertEqual(first["_rops_line"].int, 2)
        XCTAssertEqual(first["_rops_file"].string, "data/raw/transactions_data.csv")
        XCTAssertEqual(try db.query("select description from \(raw).mcc_codes where mcc = '5812'")[0]["description"].string,
                       "Eating Places and Restaurants")
        XCTAssertEqual(try db.query("select mcc, _rops_line from \(raw).mcc_codes order by _rops_line desc limit 1")[0]["_rops_line"].int, 110)
        XCTAssertEqual(try db.query("select string_agg(transaction_id, ',' order by transaction_id) as ids from \(raw).fraud_labels")[0]["ids"].string,
                       "10649266,12478022,23410063,9316588,9558530")
        XCTAssertEqual(try db.query("select card_number, credit_limit from \(raw).cards where id = '4524'")[0]["credit_limit"].string, "$24295")
        let loads = try db.query("select count(*)::int as n, sum(rows_loaded)::int as rows from rops_meta.loads where source like 'kaggle.%' and table_name like $1 and status = 'ok'",
                                 [raw + ".%"])[0]
        XCTAssertEqual(loads["n"].int, 5)
        XCTAssertEqual(loads["rows"].int, 289)
        // A full load writes its rows frozen: every page is all-visible (as counted by the loader's
        // ANALYZE), so the first reader sets no hint bits. Without FREEZE no page would be until a vacuum.
        let visibility = try db.query("select relpages, relallvisible from pg_class where oid = $1::regclass", ["\(raw).transactions"])[0]
        XCTAssertGreaterThan(visibility["relpages"].int ?? 0, 0)
        XCTAssertEqual(visibility["relallvisible"].int, visibility["relpages"].int)
        // A second full load replaces the data; it does not double it.
        XCTAssertEqual(try fixture.rops(["load"]).status, 0)
        XCTAssertEqual(try count("transactions"), 65)
    }

    func testHostileCorpusQuarantinesExactlyTheBadRecords() throws {
        let fixture = try ProjectFixture("load_project")
        try fixture.write("models/sources.yml", """
            version: 2
            sources:
              - name: hostile
                schema: __S___raw
                tables:
                  - name: mixed
                    loader: {path: data/raw/mixed.csv}
                  - name: empty
                    loader: {path: data/raw/empty.csv}
                  - name: header_only
                    loader: {path: data/raw/header_only.csv}
                  - name: labels_truncated
                    loader: {path: data/raw/truncated.json, json_path: target}
                  - name: wrong_shape
                    loader: {path: data/raw/wrong_shape.json, json_path: target}
                  - name: nested_values
                    loader: {path: data/raw/nested.json, json_path: target}
                  - name: events
                    loader: {path: data/raw/events.ndjson, format: json}
                  - name: declared
                    columns: [{name: id}, {name: other}]
                    loader: {path: data/raw/declared.csv}
            """)
        var mixed = Array("\u{FEFF}id,name,amount\r\n1,ok,1.00\r\n2,\"quoted, comma\",2.00\r\n3,ragged\r\n".utf8)
        mixed += Array("4,bad ".utf8) + [0xFF, 0xFE] + Array(",4.00\r\n".utf8)
        mixed += Array("5,nul".utf8) + [0] + Array(",5.00\r\n6,\"multi\nline\",6.00\r\n".utf8)
        mixed += Array("7,\(String(repeating: "h", count: 2_000_000)),7.00\r\n8,\"unclosed,8.00\r\n".utf8)
        try FileManager.default.createDirectory(atPath: fixture.root + "/data/raw", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: fixture.root + "/data/raw/mixed.csv", contents: Data(mixed))
        try fixture.write("data/raw/empty.csv", "")
        try fixture.write("data/raw/header_only.csv", "a,b\n")
        try fixture.write("data/raw/truncated.json", "{\"target\": {\"1\": \"No\", \"2\": \"Yes\", \"3\": \"N")
        try fixture.write("data/raw/wrong_shape.json", "[1, 2, 3]")
        try fixture.write("data/raw/nested.json", "{\"target\": {\"1\": \"No\", \"2\": {\"x\": 1}, \"3\": [1], \"4\": null, \"5\": 7}}")
        try fixture.write("data/raw/events.ndjson", "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"c\": true}\nnot json\n[1]\n{\"a\": {\"n\": 1}}\n{\"b\": \"last\"}\n")
        try fixture.write("data/raw/declared.csv", "id,wrong\n1,2\n")

        let outcome = try fixture.rops(["load"])
        XCTAssertEqual(outcome.status, 1, "structural failures make the command fail:\n" + outcome.all)
        let db = try TestDatabase.connect()
        let raw = fixture.prefix + "_raw"
        func rows(_ sql: String) throws -> [Row] { try db.query(sql.replacingOccurrences(of: "RAW", with: raw)) }

        XCTAssertEqual(try rows("select id from RAW.mixed order by _rops_line").map { $0["id"].string! }, ["1", "2", "6", "7"])
        XCTAssertEqual(try rows("select name from RAW.mixed where id = '6'")[0]["name"].string, "multi\nline")
        XCTAssertEqual(try rows("select length(name) as n from RAW.mixed where id = '7'")[0]["n"].int, 2_000_000)
        let rejected = try rows("select _rops_line, reason, raw_text, raw_bytes from RAW.mixed__rejected order by _rops_line")
        XCTAssertEqual(rejected.map { $0["reason"].string! }, ["wrong_field_count", "invalid_utf8", "nul_byte", "unclosed_quote"])
        XCTAssertEqual(rejected.map { $0["_rops_line"].int! }, [4, 5, 6, 10])
        XCTAssertEqual(rejected[0]["raw_text"].string, "3,ragged")
        XCTAssertEqual(rejected[1]["raw_bytes"], .bytes(Array("4,bad ".utf8) + [0xFF, 0xFE] + Array(",4.00".utf8)))
        XCTAssertEqual(rejected[2]["raw_bytes"], .bytes(Array("5,nul".utf8) + [0] + Array(",5.00".utf8)))
        // Nothing lost: every data line of the file is loaded or quarantined (line 8-9 is one record).
        XCTAssertEqual(try rows("select count(*)::int as n from RAW.mixed")[0]["n"].int! + rejected.count, 8)

        XCTAssertTrue(outcome.all.contains("data/raw/empty.csv"), outcome.all)
        XCTAssertTrue(outcome.all.contains("empty"), outcome.all)
        XCTAssertEqual(try rows("select count(*)::int as n from RAW.header_only")[0]["n"].int, 0)
        // A JSON document cut short is refused (it would replace a table with part of a file) ...
        XCTAssertTrue(outcome.all.contains("data/raw/truncated.json: the JSON document ends in the middle of a value at line 1"), outcome.all)
        XCTAssertEqual(try rows("select to_regclass('RAW.labels_truncated') is null as missing")[0]["missing"], .bool(true))
        XCTAssertTrue(outcome.all.contains("expected a JSON object at the top"), outcome.all)
        XCTAssertEqual(try rows("select to_regclass('RAW.wrong_shape') is null as missing")[0]["missing"], .bool(true))
        XCTAssertEqual(try rows("select key, value from RAW.nested_values order by key").map { [$0["key"].string!, $0["value"].string ?? "NULL"] },
                       [["1", "No"], ["4", "NULL"], ["5", "7"]])
        XCTAssertEqual(try rows("select reason from RAW.nested_values__rejected").map { $0["reason"].string! }, ["wrong_json_type", "wrong_json_type"])
        XCTAssertEqual(try rows("select a, b, c from RAW.events order by _rops_line").map { [$0["a"].string ?? "-", $0["b"].string ?? "-", $0["c"].string ?? "-"] },
                       [["1", "x", "-"], ["2", "-", "true"], ["-", "last", "-"]])
        XCTAssertEqual(try rows("select reason, _rops_line from RAW.events__rejected order by _rops_line").map { $0["reason"].string! },
                       ["invalid_json", "wrong_json_type", "wrong_json_type"])
        XCTAssertTrue(outcome.all.contains("does not match the declared columns"), outcome.all)
        let failed = try rows("select count(*)::int as n from rops_meta.loads where table_name like 'RAW.%' and status = 'error'")
        XCTAssertEqual(failed[0]["n"].int, 4)

        // ... unless asked: then its complete records load and the cut-off rest is quarantined.
        let partial = try fixture.rops(["load", "-s", "labels_truncated", "--allow-shrink"])
        XCTAssertEqual(partial.status, 0, partial.all)
        XCTAssertEqual(try rows("select key from RAW.labels_truncated order by 1").map { $0["key"].string! }, ["1", "2"])
        XCTAssertEqual(try rows("select reason from RAW.labels_truncated__rejected")[0]["reason"].string, "truncated_json")
    }

    func testAppendLoadsOnlyNewFiles() throws {
        let fixture = try ProjectFixture("load_project")
        try fixture.write("models/sources.yml", """
            version: 2
            sources:
              - name: arrivals
                schema: __S___raw
                tables:
                  - name: batches
                    loader: {path: "data/incoming/batch_*.csv"}
            """)
        try fixture.write("data/incoming/batch_1.csv", "id,v\n1,a\n2,b\n")
        XCTAssertEqual(try fixture.rops(["load", "--append"]).status, 0)
        try fixture.write("data/incoming/batch_2.csv", "id,v\n3,c\n")
        let second = try fixture.rops(["load", "--append"])
        XCTAssertEqual(second.status, 0, second.all)
        XCTAssertTrue(second.stdout.contains("1 file already loaded"), second.stdout)
        let db = try TestDatabase.connect()
        XCTAssertEqual(try db.query("select string_agg(id, ',' order by id) as ids from \(fixture.prefix)_raw.batches")[0]["ids"].string, "1,2,3")
        XCTAssertEqual(try db.query("select string_agg(distinct _rops_file, ',') as f from \(fixture.prefix)_raw.batches")[0]["f"].string,
                       "data/incoming/batch_1.csv,data/incoming/batch_2.csv")
        // A full load rebuilds from all files, once.
        XCTAssertEqual(try fixture.rops(["load"]).status, 0)
        XCTAssertEqual(try db.query("select count(*)::int as n from \(fixture.prefix)_raw.batches")[0]["n"].int, 3)
    }

    /// `unique_key:` flags every record repeating a key loaded before (across files, in JSON, and
    /// against earlier loads with --append); first copies, null keys and invalid keys stay unflagged.
    func testUniqueKeyFlagsRepeatedKeys() throws {
        let fixture = try ProjectFixture("load_project")
        try fixture.write("models/sources.yml", """
            version: 2
            sources:
              - name: keyed
                schema: __S___raw
                tables:
                  - name: payments
                    loader: {path: "data/raw/payments_*.csv", types: {id: bigint}, unique_key: id}
                  - name: pairs
                    loader: {path: data/raw/pairs.csv, unique_key: [a, b]}
                  - name: labels
                    loader: {path: data/raw/labels.json, json_path: target, types: {key: bigint}, unique_key: key}
                  - name: arrivals
                    loader: {path: "data/incoming/batch_*.csv", types: {id: integer}, unique_key: id}
            """)
        try fixture.write("data/raw/payments_1.csv", "id,v\n1,a\n2,b\n1,c\n007,d\n,e\nx1,f\nx1,g\n")
        try fixture.write("data/raw/payments_2.csv", "id,v\n7,h\n2,i\n3,j\n")
        try fixture.write("data/raw/pairs.csv", "a,b\nab,c\na,bc\nab,c\n")
        try fixture.write("data/raw/labels.json", "{\"target\": {\"5\": \"No\", \"6\": \"Yes\", \"5\": \"Yes\", \"05\": \"No\"}}")
        try fixture.write("data/incoming/batch_1.csv", "id,v\n1,a\n2,b\n")
        let first = try fixture.rops(["load"])
        XCTAssertEqual(first.status, 0, first.all)
        let db = try TestDatabase.connect()
        let raw = fixture.prefix + "_raw"
        func flagged(_ sql: String) throws -> [String] {
            try db.query(sql.replacingOccurrences(of: "RAW", with: raw)).map { $0["k"].string ?? "null" }
        }
        // 1 (line 4) repeats line 2; 007 is 7 and comes first, so 7 in the second file repeats it; the null and
        // invalid ids are never repeats; 2 in the second file repeats the first file's 2.
        XCTAssertEqual(try flagged("select v as k from RAW.payments where _rops_duplicate order by v"), ["c", "h", "i"])
        XCTAssertEqual(try flagged("select count(*)::text as k from RAW.payments where _rops_duplicate is null"), ["7"])
        XCTAssertEqual(try flagged("select a || '|' || b as k from RAW.pairs where _rops_duplicate"), ["ab|c"])
        XCTAssertEqual(try flagged("select key || '=' || value as k from RAW.labels where _rops_duplicate order by 1"), ["05=No", "5=Yes"])
        // --append: a key of an earlier load is a repeat in the new file; new keys are not.
        try fixture.write("data/incoming/batch_2.csv", "id,v\n2,c\n3,d\n3,e\n")
        let second = try fixture.rops(["load", "--append", "-s", "arrivals"])
        XCTAssertEqual(second.status, 0, second.all)
        XCTAssertEqual(try flagged("select v as k from RAW.arrivals where _rops_duplicate order by v"), ["c", "e"])
    }

    func testKilledLoadLeavesThePreviousDataAndARerunCompletes() throws {
        let fixture = try ProjectFixture("load_project")
        try fixture.write("models/sources.yml", """
            version: 2
            sources:
              - name: big
                schema: __S___raw
                tables:
                  - name: rows
                    loader: {path: data/raw/big.csv}
            """)
        try fixture.write("data/raw/big.csv", "id,v\n1,first\n")
        XCTAssertEqual(try fixture.rops(["load"]).status, 0)
        // A file big enough to be mid-load when killed.
        let path = fixture.root + "/data/raw/big.csv"
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = FileHandle(forWritingAtPath: path)!
        handle.write(Data("id,v\n".utf8))
        var chunk = ""
        for i in 0..<3_000_000 {
            chunk += "\(i),value number \(i) with some padding text\n"
            if i % 100_000 == 99_999 { handle.write(Data(chunk.utf8)); chunk = "" }
        }
        handle.write(Data(chunk.utf8))
        handle.closeFile()

        let process = Process()
        process.executableURL = ProjectFixture.binary
        process.arguments = ["load"]
        process.currentDirectoryURL = URL(fileURLWithPath: fixture.root)
        var environment = ProcessInfo.processInfo.environment
        environment["DB_CONNECTION_STRING"] = TestDatabase.url
        process.environment = environment
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let db = try TestDatabase.connect()
        // The server notices the dropped connection and rolls back; wait for that to finish.
        for _ in 0..<50 where try db.query("select count(*)::int as n from pg_stat_activity where query like 'copy %big%' or query like 'copy%rows%'")[0]["n"].int ?? 0 > 1 {
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertEqual(try db.query("select string_agg(v, ',') as v from \(fixture.prefix)_raw.rows")[0]["v"].string, "first")
        let rerun = try fixture.rops(["load"])
        XCTAssertEqual(rerun.status, 0, rerun.all)
        XCTAssertEqual(try db.query("select count(*)::int as n from \(fixture.prefix)_raw.rows")[0]["n"].int, 3_000_000)
        XCTAssertEqual(try db.query("select count(*)::int as n from pg_tables where schemaname = $1 and tablename like '%rops_loading%'",
                                    [fixture.prefix + "_raw"])[0]["n"].int, 0)
    }
}
