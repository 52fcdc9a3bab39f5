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
        XCTAssertTrue(try RopsDatagen.run(into: folder, arguments), "rops-datagen failed")
    }

    func testDirtyDataLandsInTheRightRejectedModelsAndNothingElseIsLost() throws {
        let root = try platformCopy()
        try generate(into: root + "/data/raw", ["--transactions", "20000", "--seed", "11", "--dirty", "0.01"])
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/data/raw/dirty_manifest.json")))
        XCTAssertGreaterThan(manifest.defects.count, 100)
        XCTAssertEqual(Set(manifest.defects.map(\.kind)).count, 10, "every kind of defect, its label consequences and unknown labels")

        let url = try platformDatabase()
        // The PII key reaches PostgreSQL as a session setting through libpq, never as SQL text.
        let key = "platform-test-key-\(UInt32.random(in: 0...UInt32.max))"
        let environment = ["DB_CONNECTION_STRING": url, "CI": "true", "PGOPTIONS": "-c rops.pii_key=\(key)"]
        let load = try RopsProcess.run(["load"], in: root, environment: environment)
        XCTAssertEqual(load.status, 0, load.all)
        let build = try RopsProcess.run(["build"], in: root, environment: environment)
        XCTAssertEqual(build.status, 0, build.all)
        XCTAssertTrue(build.stdout.contains(" 0 fail, 0 error"), build.stdout)

        let connection = try PostgresConnection(url)
        for defect in manifest.defects {
            let rows: [Row]
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
        // Bytes, not a String: the file now holds invalid UTF-8 on purpose.
        let lines = try Data(contentsOf: URL(fileURLWithPath: root + "/data/raw/transactions_data.csv")).filter { $0 == 10 }.count - 1
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
        // The one big table's indexes, whichever step builds them: the unique one its merge needs, a
        // client's payments by time, the fraud cases, the loads the rollups take rows by, and the
        // payment times the latest scored payments take their weeks by.
        let indexes = try connection.query("""
            select indexname as name from pg_indexes where schemaname = 'intermediate' and tablename = 'enriched_transactions' order by 1
            """).compactMap { $0["name"].string }
        XCTAssertEqual(indexes, ["enriched_transactions_client_id_transacted_at_idx", "enriched_transactions_client_id_transaction_id_uidx",
                                 "enriched_transactions_fraud_cases_idx", "enriched_transactions_label_load_id_idx",
                                 "enriched_transactions_payment_load_id_idx", "enriched_transactions_transacted_at_idx"])
        let plan = try connection.query("explain select * from queries.client_transactions where client_id = 1 order by transacted_at desc limit 50")
            .compactMap { $0[0].string }.joined(separator: "\n")
        XCTAssertTrue(plan.contains("enriched_transactions_client_id_transacted_at_idx"), plan)

        try checkDocs(root: root, environment: environment)

        let tokens = try connection.query("""
            select count(*)::bigint as n from staging.stg_cards c join raw.cards r on r.id::integer = c.card_id
            where c.card_token = md5($1 || r.card_number) and c.card_last4 = right(r.card_number, 4)
            """, [key])[0]["n"].int
        XCTAssertEqual(tokens, try connection.query("select count(*)::bigint as n from staging.stg_cards")[0]["n"].int, "tokens are keyed with the session key")
        let leaks = FileManager.default.enumerator(atPath: root + "/target")!.compactMap { $0 as? String }.filter { path in
            (try? String(contentsOfFile: root + "/target/" + path, encoding: .utf8))?.contains(key) == true
        }
        XCTAssertEqual(leaks, [], "the PII key was written into target/")
    }

    /// Issue 8 on the real project: every model in the lineage, labels that fit their boxes and never
    /// overlap, a full-size screenshot, and enriched_transactions.amount_usd traced to raw `amount`.
    func checkDocs(root: String, environment: [String: String]) throws {
        let docs = try RopsProcess.run(["docs", "generate"], in: root, environment: environment)
        XCTAssertEqual(docs.status, 0, docs.all)
        let lineage = try String(contentsOfFile: root + "/target/docs/lineage.html", encoding: .utf8)
        // Models off by default (`enabled=var(...)`) are not in the project's graph.
        let models = try FileManager.default.subpathsOfDirectory(atPath: root + "/models").filter { $0.hasSuffix(".sql") }
            .filter { path in !((try? String(contentsOfFile: root + "/models/" + path, encoding: .utf8))?.contains("enabled=var(") ?? false) }
            .map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        XCTAssertGreaterThan(models.count, 40)
        for model in models { XCTAssertTrue(lineage.contains(">\(model)</text>"), "\(model) is missing from the lineage graph") }

        // Node boxes: <rect x y width height …/> then the label <text x y>name</text> (12px monospace).
        let pattern = try NSRegularExpression(pattern: #"<rect x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)"[^>]*/>\s*<text x="([0-9.]+)" y="[0-9.]+"[^>]*>([^<]+)</text>"#)
        let text = lineage as NSString
        var boxes: [(name: String, rect: CGRect)] = []
        for match in pattern.matches(in: lineage, range: NSRange(location: 0, length: text.length)) {
            let number = { (i: Int) in Double(text.substring(with: match.range(at: i)))! }
            let rect = CGRect(x: number(1), y: number(2), width: number(3), height: number(4))
            let name = text.substring(with: match.range(at: 6))
            XCTAssertLessThanOrEqual(number(5) + Double(name.count) * 7.3, rect.maxX + 0.5, "label \(name) overflows its box")
            boxes.append((name, rect))
        }
        XCTAssertGreaterThanOrEqual(boxes.count, models.count)
        for (i, a) in boxes.enumerated() {
            for b in boxes[(i + 1)...] where a.rect.intersects(b.rect) { XCTFail("\(a.name) overlaps \(b.name)") }
        }
        try screenshot(root + "/target/docs/lineage.html", width: Int(boxes.map(\.rect.maxX).max()! + 80),
                       height: Int(boxes.map(\.rect.maxY).max()! + 220))

        // Every link between pages resolves.
        let site = root + "/target/docs"
        let linkPattern = try NSRegularExpression(pattern: ##"href="([^"#:]+\.html)"##)
        for page in try FileManager.default.contentsOfDirectory(atPath: site) where page.hasSuffix(".html") {
            let html = try String(contentsOfFile: site + "/" + page, encoding: .utf8) as NSString
            for match in linkPattern.matches(in: html as String, range: NSRange(location: 0, length: html.length)) {
                let target = html.substring(with: match.range(at: 1))
                XCTAssertTrue(FileManager.default.fileExists(atPath: site + "/" + target), "\(page) links to missing \(target)")
            }
        }
        try checkConsole(site, pages: ["index.html", "lineage.html", "model.enriched_transactions.html", "model.stg_transactions.html"])

        let enriched = try String(contentsOfFile: root + "/target/docs/model.enriched_transactions.html", encoding: .utf8)
        XCTAssertTrue(enriched.contains(#"<td><code>amount_usd</code></td><td><a href="model.stg_transactions.html">stg_transactions</a>.amount_usd</td><td><a href="source.raw.transactions.html">raw.transactions</a>.amount</td>"#),
                      "enriched_transactions.amount_usd is not traced to raw.transactions.amount")
    }

    /// The platform's pages in headless chromium: rendered, and nothing logged to the console.
    func checkConsole(_ site: String, pages: [String]) throws {
        guard let chromium = HeadlessChromium(profile: NSTemporaryDirectory() + "/rops-chromium-\(getpid())") else { return }
        for page in pages {
            let (dom, console) = try chromium.dumpDOM("file://\(site)/\(page)")
            XCTAssertEqual(console, [], "\(page) logged to the console")
            XCTAssertTrue(dom.contains("<main>"), "\(page) did not render")
        }
    }

    /// A full-size screenshot of the lineage page in target/screenshots/ (skipped without chromium).
    func screenshot(_ page: String, width: Int, height: Int) throws {
        guard let chromium = HeadlessChromium(profile: NSTemporaryDirectory() + "/rops-chromium-\(getpid())") else { return }
        let folder = Self.repository + "/target/screenshots"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try chromium.screenshot("file://\(page)", to: folder + "/lineage.png", width: width, height: height)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/lineage.png"))
    }
}
