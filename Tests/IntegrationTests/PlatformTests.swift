import Foundation
import PostgresClient
import TestSupport
import XCTest

/// The flagship project end to end on dirty data: `rops-datagen --dirty` writes defects and a
/// manifest of them; after `rops load` and `rops build` every defect must sit in the table and with
/// the reason the manifest names, and no other row may be quarantined or missing.
final class PlatformTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    struct Defect: Decodable {
        let file: String
        let line: Int?
        let key: String
        let kind: String
        let table: String
        let reason: String
    }

    struct Manifest: Decodable { let defects: [Defect] }

    /// A database of its own: the platform uses fixed schema names (raw, staging, ...).
    func platformDatabase() throws -> String {
        let name = "platform_\(UInt32.random(in: 0...UInt32.max))"
        try TestDatabase.connect().execute("create database \(name)")
        var components = URLComponents(string: TestDatabase.url)!
        components.path = "/" + name
        return components.string!
    }

    func platformCopy() throws -> String {
        let root = try TemporaryFolder.make(prefix: "rops-platform")
        for item in ["project.yml", "models", "seeds", "macros"] {
            try FileManager.default.copyItem(atPath: Self.repository + "/" + item, toPath: root + "/" + item)
        }
        return root
    }

    func generate(into folder: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = RopsProcess.binary.deletingLastPathComponent().appendingPathComponent("rops-datagen")
        process.arguments = arguments + ["--out", folder]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "rops-datagen failed")
    }

    func testDirtyDataLandsInTheRightRejectedModelsAndNothingElseIsLost() throws {
        let root = try platformCopy()
        try generate(into: root + "/data/raw", ["--transactions", "20000", "--seed", "11", "--dirty", "0.01"])
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/data/raw/dirty_manifest.json")))
        XCTAssertGreaterThan(manifest.defects.count, 100)
        XCTAssertEqual(Set(manifest.defects.map(\.kind)).count, 10, "every kind of defect, its label consequences and unknown labels")

        let url = try platformDatabase()
        let environment = ["DB_CONNECTION_STRING": url, "CI": "true"]
        let load = try RopsProcess.run(["load"], in: root, environment: environment)
        XCTAssertEqual(load.status, 0, load.all)
        let build = try RopsProcess.run(["build"], in: root, environment: environment)
        XCTAssertEqual(build.status, 0, build.all)
        XCTAssertTrue(build.stdout.contains(" 0 fail, 0 error"), build.stdout)

        let connection = try PostgresConnection(url)
        for defect in manifest.defects {
            let rows: [PostgresRow]
            switch defect.table {
            case "raw.transactions__rejected":
                rows = try connection.query("select reason from raw.transactions__rejected where _rops_line = $1", [defect.line!])
            case "staging.stg_transactions_rejected":
                rows = try connection.query("select reason from staging.stg_transactions_rejected where _rops_line = $1", [defect.line!])
            case "staging.stg_fraud_labels_rejected":
                rows = try connection.query("select reason from staging.stg_fraud_labels_rejected where transaction_id = $1", [defect.key])
            default:
                XCTFail("unexpected table \(defect.table)"); continue
            }
            XCTAssertEqual(rows.map { $0["reason"].string }, [defect.reason], "\(defect.kind) at \(defect.file):\(defect.line ?? 0) (id \(defect.key))")
        }
        // Nothing else quarantined anywhere, and every raw line accounted for.
        let expected = Dictionary(grouping: manifest.defects, by: \.table).mapValues(\.count)
        for table in ["raw.transactions__rejected", "staging.stg_transactions_rejected", "staging.stg_fraud_labels_rejected",
                      "raw.fraud_labels__rejected", "raw.cards__rejected", "raw.users__rejected", "staging.stg_cards_rejected",
                      "staging.stg_users_rejected", "staging.stg_merchant_categories_rejected"] {
            let count = try connection.query("select count(*)::bigint as n from \(table)")[0]["n"].int
            XCTAssertEqual(count, expected[table] ?? 0, "rows in \(table)")
        }
        let lines = try String(contentsOfFile: root + "/data/raw/transactions_data.csv", encoding: .utf8).split(separator: "\n").count - 1
        let staged = try connection.query("""
            select (select count(*) from staging.stg_transactions) + (select count(*) from staging.stg_transactions_rejected)
                 + (select count(*) from raw.transactions__rejected) as n
            """)[0]["n"].int
        XCTAssertEqual(staged, lines, "every line of transactions_data.csv is staged or quarantined")
        // The star holds: every label points at a staged payment (the foreign key is enforced).
        let constraints = try connection.query("""
            select count(*)::bigint as n from pg_constraint where contype = 'f' and connamespace = 'staging'::regnamespace
            """)[0]["n"].int
        XCTAssertEqual(constraints, 5)
    }
}
