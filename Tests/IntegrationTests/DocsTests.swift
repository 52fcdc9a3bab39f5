import Foundation
import PostgresClient
import TestSupport
import XCTest

/// `rops docs`: the site opens offline, every link resolves, every model is in the lineage graph.
final class DocsTests: XCTestCase {
    func testSiteLinksResolveAndEveryModelIsInTheGraph() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        XCTAssertEqual(try fixture.rops(["run"]).status, 0)
        let generated = try fixture.rops(["docs", "generate"])
        XCTAssertEqual(generated.status, 0, generated.all)
        let folder = fixture.root + "/target/docs"
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".html") }
        XCTAssertEqual(Set(pages).count, 2 + 8 + 2, "index, lineage, 8 models, 2 sources: \(pages)")
        for page in pages {
            let html = try String(contentsOfFile: folder + "/" + page, encoding: .utf8)
            XCTAssertFalse(html.contains("src=\"http"), "\(page) loads something from the network")
            XCTAssertFalse(html.contains("href=\"http"), "\(page) links to the network")
            for link in Self.links(in: html) {
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/" + link), "\(page) links to missing \(link)")
            }
        }
        let lineage = try String(contentsOfFile: folder + "/lineage.html", encoding: .utf8)
        for model in ["stg_orders", "stg_customers", "int_big_orders", "int_customer_totals", "int_customer_matview",
                      "idx_stg_orders_customer", "order_count", "customer_summary"] {
            XCTAssertTrue(lineage.contains("data-id=\"model.\(model)\""), "\(model) missing from the graph")
        }
        let page = try String(contentsOfFile: folder + "/model.stg_orders.html", encoding: .utf8)
        XCTAssertTrue(page.contains("Orders with typed columns."), "description")
        XCTAssertTrue(page.contains("integer"), "column type from the catalog")
        XCTAssertTrue(page.contains("unique, not_null"), "column tests")
        XCTAssertTrue(page.contains("status success"), "last run status")
        XCTAssertTrue(page.contains("<span class=\"kw\">select</span>"), "highlighted SQL")
        // Column lineage through the staging model to the raw source column.
        let summary = try String(contentsOfFile: folder + "/model.int_customer_totals.html", encoding: .utf8)
        XCTAssertTrue(summary.contains("Column lineage"), summary)
        XCTAssertTrue(summary.contains("<code>total_amount</code></td><td><a href=\"model.stg_orders.html\">stg_orders</a>.amount</td><td><a href=\"source.shop.orders.html\">shop.orders</a>.amount</td>"), summary)
        let catalog = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.root + "/target/catalog.json"))) as! [String: Any]
        XCTAssertNotNil((catalog["nodes"] as! [String: Any])["model.stg_orders"])
    }

    /// dbt's docs blocks: `{{ doc('name') }}` in YAML descriptions shows the block, Markdown rendered,
    /// `__overview__` opens the front page, and the manifest carries both.
    func testDocBlocksFillDescriptionsAndTheFrontPage() throws {
        let fixture = try ProjectFixture("dbt_macros_project")
        let generated = try fixture.rops(["docs", "generate", "--no-catalog"])
        XCTAssertEqual(generated.status, 0, generated.all)
        let folder = fixture.root + "/target/docs"
        let index = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<h2>Payments, pivoted</h2>"), index)
        XCTAssertTrue(index.contains("<strong>dbt projects</strong>"), index)
        let page = try String(contentsOfFile: folder + "/model.payments.html", encoding: .utf8)
        XCTAssertFalse(page.contains("doc("), page)
        XCTAssertTrue(page.contains("One row per payment. How the customer paid:"), page)
        XCTAssertTrue(page.contains("<td>a prepaid gift card</td>"), "the block's Markdown table, in the column's description")

        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.root + "/target/manifest.json"))) as! [String: Any]
        let docs = manifest["docs"] as! [String: [String: Any]]
        XCTAssertEqual(Set(docs.keys), ["doc.dbt_macros.__overview__", "doc.dbt_macros.payment_method"])
        XCTAssertEqual(docs["doc.dbt_macros.payment_method"]?["original_file_path"] as? String, "models/docs.md")
        let payments = (manifest["nodes"] as! [String: [String: Any]])["model.payments"]!
        let method = (payments["columns"] as! [String: [String: Any]])["method"]!
        XCTAssertTrue((method["description"] as! String).hasPrefix("How the customer paid:"), "\(method)")
    }

    func testUnknownAndDuplicateDocBlocksAreErrors() throws {
        let fixture = try ProjectFixture("dbt_macros_project")
        let schema = try String(contentsOfFile: fixture.root + "/models/schema.yml", encoding: .utf8)
        try fixture.write("models/schema.yml", schema.replacingOccurrences(of: "description: '{{ doc(\"payment_method\") }}'",
                                                                              with: "description: '{{ doc(\"payment_methods\") }}'"))
        let unknown = try fixture.rops(["compile"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("models/schema.yml") && unknown.stderr.contains("column 'method' of model 'payments'"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("did you mean 'payment_method'?"), unknown.stderr)

        try fixture.write("models/schema.yml", schema)
        try fixture.write("macros/more_docs.md", "{% docs payment_method %}again{% enddocs %}")
        let duplicate = try fixture.rops(["compile"])
        XCTAssertNotEqual(duplicate.status, 0)
        XCTAssertTrue(duplicate.stderr.contains("two docs blocks are named 'payment_method'") && duplicate.stderr.contains("models/docs.md"), duplicate.stderr)
    }

    func testDocsWithoutADatabaseAndLineageExports() throws {
        let fixture = try ProjectFixture("mini_project")
        let outcome = try RopsProcess.run(["docs", "generate", "--database-url", "postgresql://nobody@127.0.0.1:1/none"], in: fixture.root)
        XCTAssertEqual(outcome.status, 0, outcome.all)
        XCTAssertTrue(outcome.stderr.contains("no catalog"), outcome.stderr)
        let dot = try fixture.rops(["docs", "lineage", "--format", "dot"]).stdout
        XCTAssertTrue(dot.contains("\"model.stg_orders\" -> \"model.order_count\";"), dot)
        let mermaid = try fixture.rops(["docs", "lineage", "--format", "mermaid"]).stdout
        XCTAssertTrue(mermaid.hasPrefix("flowchart LR"), mermaid)
        XCTAssertTrue(mermaid.contains("model_int_customer_matview --> model_customer_summary"), mermaid)
        let json = try fixture.rops(["docs", "lineage", "--format", "json"]).stdout
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        XCTAssertEqual((parsed["nodes"] as! [Any]).count, 10)
    }

    static func links(in html: String) -> [String] {
        var links: [String] = []
        var rest = Substring(html)
        while let start = rest.range(of: "href=\"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            links.append(String(rest[..<end]))
            rest = rest[end...]
        }
        return links
    }
}

/// The docs pages in a real browser (Debian's chromium, headless): no console messages, the graph
/// renders. `.ci/run` installs chromium; without it the test says so and is skipped.
final class DocsBrowserTests: XCTestCase {
    func testPagesRenderInChromiumWithoutConsoleErrors() throws {
        let fixture = try ProjectFixture("mini_project")
        guard let chromium = HeadlessChromium(profile: fixture.root + "/chromium-profile") else {
            throw XCTSkip("chromium is not installed (apt-get install chromium); .ci/run installs it")
        }
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        XCTAssertEqual(try fixture.rops(["run"]).status, 0)
        XCTAssertEqual(try fixture.rops(["docs", "generate"]).status, 0)
        let folder = fixture.root + "/target/docs"
        for page in ["index.html", "lineage.html", "model.int_customer_totals.html", "source.shop.orders.html"] {
            let (dom, console) = try chromium.dumpDOM("file://\(folder)/\(page)")
            XCTAssertEqual(console, [], "\(page) logged to the console")
            XCTAssertTrue(dom.contains("<main>"), "\(page) did not render:\n\(dom.prefix(500))")
            if page != "index.html" { XCTAssertTrue(dom.contains("<svg"), "\(page) has no lineage graph") }
        }
    }
}
