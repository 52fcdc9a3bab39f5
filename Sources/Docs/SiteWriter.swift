import Foundation
import Graph
import Ink

/// Writes the static docs site: plain HTML, inline CSS and a few lines of inline JavaScript for the
/// search box; no network, no external files. Opens from the file system.
public struct SiteWriter {
    let input: DocsInput
    let folder: String

    public init(input: DocsInput, folder: String) {
        self.input = input
        self.folder = folder
    }

    var byId: [String: DocNode] { Dictionary(uniqueKeysWithValues: input.nodes.map { ($0.id, $0) }) }

    /// Writes every page; returns the files written.
    @discardableResult
    public func write() throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        func save(_ name: String, _ html: String) throws {
            try Data(html.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
            written.append(name)
        }
        try save("index.html", index())
        try save("lineage.html", lineage())
        for node in input.nodes { try save(node.page, page(node)) }
        return written
    }

    static let layerOrder = ["sources", "seeds", "staging", "indexing", "intermediate", "queries"]

    private var labels: [String: String] { Dictionary(uniqueKeysWithValues: input.nodes.map { ($0.id, $0.name) }) }
    private var layers: [String: String] { Dictionary(uniqueKeysWithValues: input.nodes.map { ($0.id, $0.layer) }) }

    // MARK: - Pages

    func index() -> String {
        let grouped = Dictionary(grouping: input.nodes, by: \.layer)
        let order = Self.layerOrder.filter { grouped[$0] != nil } + grouped.keys.filter { !Self.layerOrder.contains($0) }.sorted()
        var body = input.overview.map { "<section class=\"overview md\">\(markdown($0))</section>\n" } ?? ""
        body += """
            <input id="search" type="search" placeholder="Search models, sources, columns…" autofocus>
            <p class="muted">\(input.nodes.count) nodes · <a href="lineage.html">lineage graph</a></p>
            """
        for layer in order {
            body += "<section class=\"layer\"><h2>\(escape(layer))</h2><table><tr><th>name</th><th>kind</th><th>description</th><th>tests</th></tr>\n"
            for node in grouped[layer]!.sorted(by: { $0.name < $1.name }) {
                let testCount = node.tests.count + node.columns.reduce(0) { $0 + $1.tests.count }
                let haystack = ([node.name, node.description] + node.columns.map(\.name)).joined(separator: " ").lowercased()
                body += "<tr class=\"item\" data-search=\"\(escape(haystack))\"><td><a href=\"\(node.page)\">\(escape(node.name))</a></td>"
                body += "<td>\(escape(node.materialized))</td><td class=\"md\">\(markdown(node.description))</td><td>\(testCount)</td></tr>\n"
            }
            body += "</table></section>\n"
        }
        body += """
            <script>
            document.getElementById('search').addEventListener('input', function (event) {
              var query = event.target.value.toLowerCase();
              document.querySelectorAll('tr.item').forEach(function (row) {
                row.style.display = row.getAttribute('data-search').indexOf(query) >= 0 ? '' : 'none';
              });
            });
            </script>
            """
        return document(title: input.projectName, body: body)
    }

    func lineage() -> String {
        let layout = LineageLayout(graph: input.graph, ids: Set(input.nodes.map(\.id)), labels: labels, layers: layers)
        let legend = Self.layerOrder.map { "<span class=\"chip\" style=\"background:\(LineageLayout.colours[$0]!)\">\($0)</span>" }.joined(separator: " ")
        return document(title: "Lineage · \(input.projectName)", body: "<p>\(legend)</p><div class=\"graph\">\(layout.svg(link: { byId[$0]?.page ?? "index.html" }))</div>")
    }

    func page(_ node: DocNode) -> String {
        let nodes = byId
        var body = "<p class=\"muted\">\(escape(node.kind)) · \(escape(node.materialized)) · <code>\(escape(node.relation))</code> · <code>\(escape(node.path))</code></p>\n"
        if !node.description.isEmpty { body += "<div class=\"md\">\(markdown(node.description))</div>\n" }
        if let run = input.lastRun[node.id] {
            body += "<p>Last run: <span class=\"status \(escape(run.status))\">\(escape(run.status))</span> at \(escape(run.at))</p>\n"
        }
        if !node.tags.isEmpty { body += "<p>Tags: \(node.tags.map { "<span class=\"chip\">\(escape($0))</span>" }.joined(separator: " "))</p>\n" }
        let catalog = input.catalog[node.relation]
        if let catalog {
            let facts = [catalog.rows.map { "≈\($0) rows" }, catalog.bytes.map { ByteCountFormatter.string(fromByteCount: Int64($0), countStyle: .file) }]
                .compactMap { $0 }
            if !facts.isEmpty { body += "<p class=\"muted\">\(facts.joined(separator: " · "))</p>\n" }
        }
        // Columns: documented ones first, then any others the database has.
        var rows: [(String, String, String, [String])] = node.columns.map { column in
            let type = catalog?.columns.first { $0.name == column.name }?.type ?? column.dataType ?? ""
            return (column.name, type, column.description, column.tests)
        }
        for column in catalog?.columns ?? [] where !rows.contains(where: { $0.0 == column.name }) { rows.append((column.name, column.type, "", [])) }
        if !rows.isEmpty {
            body += "<h2>Columns</h2><table><tr><th>column</th><th>type</th><th>description</th><th>tests</th></tr>\n"
            for row in rows {
                body += "<tr><td><code>\(escape(row.0))</code></td><td>\(escape(row.1))</td><td class=\"md\">\(markdown(row.2))</td><td>\(escape(row.3.joined(separator: ", ")))</td></tr>\n"
            }
            body += "</table>\n"
        }
        if !node.tests.isEmpty { body += "<h2>Tests</h2><p>\(escape(node.tests.joined(separator: ", ")))</p>\n" }
        if !node.lineage.isEmpty {
            body += "<h2>Column lineage</h2><table><tr><th>column</th><th>comes from</th><th>origin in sources</th></tr>\n"
            for (column, origins) in node.lineage {
                let direct = origins.map { origin in
                    nodes[origin.id].map { "<a href=\"\($0.page)\">\(escape($0.name))</a>.\(escape(origin.column))" } ?? escape("\(origin.id).\(origin.column)")
                }.joined(separator: ", ")
                let roots = rootOrigins(of: column, in: node).map { origin in
                    nodes[origin.id].map { "<a href=\"\($0.page)\">\(escape($0.name))</a>.\(escape(origin.column))" } ?? escape(origin.column)
                }.joined(separator: ", ")
                body += "<tr><td><code>\(escape(column))</code></td><td>\(direct)</td><td>\(roots)</td></tr>\n"
            }
            body += "</table>\n"
        }
        let parents = (input.graph.parents[node.id] ?? []).compactMap { nodes[$0] }
        let children = (input.graph.children[node.id] ?? []).compactMap { nodes[$0] }
        body += "<div class=\"flow\"><div><h2>Parents</h2>\(links(parents))</div><div><h2>Children</h2>\(links(children))</div></div>\n"
        let neighbourhood = input.graph.ancestors(of: node.id, depth: 2).union(input.graph.descendants(of: node.id, depth: 2)).union([node.id])
            .intersection(Set(input.nodes.map(\.id)))
        let layout = LineageLayout(graph: input.graph, ids: neighbourhood, labels: labels, layers: layers)
        body += "<h2>Lineage</h2><div class=\"graph\">\(layout.svg(link: { nodes[$0]?.page ?? "index.html" }, highlight: node.id))</div>\n"
        if !node.rawSQL.isEmpty {
            body += "<h2>SQL</h2><details open><summary>compiled</summary><pre class=\"sql\">\(SQLHighlighter.html(node.compiledSQL))</pre></details>\n"
            body += "<details><summary>source</summary><pre class=\"sql\">\(SQLHighlighter.html(node.rawSQL))</pre></details>\n"
        }
        return document(title: node.name, body: body)
    }

    /// Follows a column up through models to the sources and seeds it starts from.
    func rootOrigins(of column: String, in node: DocNode, depth: Int = 0) -> [(id: String, column: String)] {
        guard depth < 50, let entry = node.lineage.first(where: { $0.column == column }) else { return [] }
        var roots: [(id: String, column: String)] = []
        for origin in entry.origins {
            if let parent = byId[origin.id], parent.kind == "model", !parent.lineage.isEmpty {
                roots += rootOrigins(of: origin.column, in: parent, depth: depth + 1)
            } else {
                roots.append(origin)
            }
        }
        var seen: Set<String> = []
        return roots.filter { seen.insert("\($0.id).\($0.column)").inserted }
    }

    private func links(_ nodes: [DocNode]) -> String {
        nodes.isEmpty ? "<p class=\"muted\">none</p>"
            : "<ul>" + nodes.map { "<li><a href=\"\($0.page)\">\(escape($0.name))</a> <span class=\"muted\">\(escape($0.kind))</span></li>" }.joined() + "</ul>"
    }

    /// A description or docs block as HTML: Markdown, as dbt's docs site shows them.
    private func markdown(_ text: String) -> String {
        text.isEmpty ? "" : MarkdownParser().html(from: text)
    }

    private func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body { font-family: system-ui, sans-serif; margin: 0; color: #0f172a; }
        header { background: #0f172a; color: white; padding: 10px 24px; }
        header a { color: white; margin-right: 16px; text-decoration: none; font-weight: 600; }
        main { padding: 16px 24px; }
        table { border-collapse: collapse; width: 100%; margin-bottom: 16px; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
        .muted { color: #64748b; }
        .md > :first-child { margin-top: 0; } .md > :last-child { margin-bottom: 0; }
        .md table { width: auto; } .md th, .md td { border: 1px solid #e2e8f0; }
        .overview { max-width: 72em; margin-bottom: 16px; }
        .chip { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #e2e8f0; font-size: 12px; }
        .graph { overflow: auto; border: 1px solid #e2e8f0; padding: 8px; }
        .flow { display: flex; gap: 48px; }
        pre.sql { background: #f8fafc; padding: 12px; overflow: auto; }
        .kw { color: #1d4ed8; font-weight: 600; } .str { color: #15803d; } .cm { color: #94a3b8; } .jinja { color: #b45309; }
        .status.success { color: #15803d; } .status.error { color: #dc2626; } .status.skipped { color: #b45309; }
        #search { width: 100%; padding: 8px; font-size: 16px; margin-bottom: 8px; }
        </style></head>
        <body><header><a href="index.html">\(escape(input.projectName))</a><a href="lineage.html">Lineage</a></header>
        <main><h1>\(escape(title))</h1>
        \(body)
        </main></body></html>

        """
    }
}

/// SQL (and Jinja) as HTML with keywords, strings and comments marked.
enum SQLHighlighter {
    static let keywords: Set<String> = ["select", "from", "where", "join", "left", "right", "inner", "outer", "full", "on", "as",
                                        "with", "group", "by", "order", "having", "union", "all", "distinct", "case", "when", "then",
                                        "else", "end", "and", "or", "not", "in", "is", "null", "limit", "over", "partition", "cast",
                                        "coalesce", "nullif", "true", "false", "between", "like", "exists", "cross", "using", "desc", "asc"]

    static func html(_ sql: String) -> String {
        var out = ""
        let chars = Array(sql)
        var i = 0
        func take(until end: (Int) -> Bool) -> String {
            let start = i
            while i < chars.count && !end(i) { i += 1 }
            return String(chars[start..<min(i, chars.count)])
        }
        while i < chars.count {
            let c = chars[i]
            if c == "{", i + 1 < chars.count, chars[i + 1] == "{" || chars[i + 1] == "%" || chars[i + 1] == "#" {
                let close: Character = chars[i + 1] == "{" ? "}" : chars[i + 1]
                let start = i
                i += 2
                while i + 1 < chars.count && !(chars[i] == close && chars[i + 1] == "}") { i += 1 }
                i = min(i + 2, chars.count)
                out += "<span class=\"jinja\">\(escape(String(chars[start..<i])))</span>"
            } else if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                out += "<span class=\"cm\">\(escape(take { chars[$0] == "\n" }))</span>"
            } else if c == "'" {
                i += 1
                let text = take { chars[$0] == "'" }
                i = min(i + 1, chars.count)
                out += "<span class=\"str\">'\(escape(text))'</span>"
            } else if c.isLetter || c == "_" {
                let word = take { !(chars[$0].isLetter || chars[$0].isNumber || chars[$0] == "_") }
                out += keywords.contains(word.lowercased()) ? "<span class=\"kw\">\(escape(word))</span>" : escape(word)
            } else {
                out += escape(String(c))
                i += 1
            }
        }
        return out
    }
}
