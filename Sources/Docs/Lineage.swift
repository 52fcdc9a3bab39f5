import Foundation
import Graph

/// A layered, left-to-right drawing of the DAG: each node in the column of its longest path from a
/// root, rows ordered by the average row of their parents (fewer crossings), boxes sized to their
/// labels so none overlap.
public struct LineageLayout {
    public struct Box {
        public let id: String
        public let label: String
        public let layer: String
        public let x: Double, y: Double, width: Double, height: Double
    }

    public let boxes: [Box]
    public let edges: [(from: String, to: String)]
    public let width: Double
    public let height: Double

    static let charWidth = 7.2, boxHeight = 26.0, rowGap = 12.0, columnGap = 70.0, padding = 20.0

    public init(graph: DependencyGraph, ids: Set<String>, labels: [String: String], layers: [String: String]) {
        let order = graph.order.filter(ids.contains)
        var depth: [String: Int] = [:]
        for id in order {
            let parents = (graph.parents[id] ?? []).filter(ids.contains)
            depth[id] = parents.map { (depth[$0] ?? 0) + 1 }.max() ?? 0
        }
        let columns = (depth.values.max() ?? -1) + 1
        var byColumn: [[String]] = Array(repeating: [], count: max(columns, 0))
        for id in order { byColumn[depth[id]!].append(id) }
        // Order each column by the mean row of its parents.
        var row: [String: Double] = [:]
        for c in 0..<byColumn.count {
            if c > 0 {
                byColumn[c].sort { a, b in
                    func key(_ id: String) -> Double {
                        let rows = (graph.parents[id] ?? []).compactMap { row[$0] }
                        return rows.isEmpty ? 0 : rows.reduce(0, +) / Double(rows.count)
                    }
                    let (ka, kb) = (key(a), key(b))
                    return ka == kb ? a < b : ka < kb
                }
            }
            for (i, id) in byColumn[c].enumerated() { row[id] = Double(i) }
        }
        var boxes: [Box] = []
        var x = Self.padding
        var maxY = 0.0
        for column in byColumn {
            let width = (column.map { Double((labels[$0] ?? $0).count) * Self.charWidth }.max() ?? 60) + 20
            for (i, id) in column.enumerated() {
                let y = Self.padding + Double(i) * (Self.boxHeight + Self.rowGap)
                boxes.append(Box(id: id, label: labels[id] ?? id, layer: layers[id] ?? "", x: x, y: y, width: width, height: Self.boxHeight))
                maxY = max(maxY, y + Self.boxHeight)
            }
            x += width + Self.columnGap
        }
        self.boxes = boxes
        self.edges = order.flatMap { id in (graph.parents[id] ?? []).filter(ids.contains).map { (from: $0, to: id) } }
        self.width = max(x - Self.columnGap + Self.padding, 200)
        self.height = maxY + Self.padding
    }

    static let colours: [String: String] = [
        "sources": "#e8eef7", "seeds": "#eef3e2", "staging": "#dbeafe", "indexing": "#fde68a",
        "intermediate": "#e9d5ff", "queries": "#bbf7d0",
    ]

    /// The drawing as SVG; every node links to its page.
    public func svg(link: (String) -> String, highlight: String? = nil) -> String {
        let position = Dictionary(uniqueKeysWithValues: boxes.map { ($0.id, $0) })
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lineage\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"monospace\" font-size=\"12\">\n"
        for edge in edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let x1 = a.x + a.width, y1 = a.y + a.height / 2, x2 = b.x, y2 = b.y + b.height / 2
            let mid = (x1 + x2) / 2
            out += "<path d=\"M\(f(x1)),\(f(y1)) C\(f(mid)),\(f(y1)) \(f(mid)),\(f(y2)) \(f(x2)),\(f(y2))\" fill=\"none\" stroke=\"#94a3b8\" stroke-width=\"1.2\"/>\n"
        }
        for box in boxes {
            let fill = Self.colours[box.layer] ?? "#f1f5f9"
            let stroke = box.id == highlight ? "#dc2626" : "#475569"
            out += "<a href=\"\(escape(link(box.id)))\"><g class=\"node\" data-id=\"\(escape(box.id))\">"
            out += "<rect x=\"\(f(box.x))\" y=\"\(f(box.y))\" width=\"\(f(box.width))\" height=\"\(f(box.height))\" rx=\"5\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(box.id == highlight ? 2.5 : 1)\"/>"
            out += "<text x=\"\(f(box.x + 10))\" y=\"\(f(box.y + 17))\" fill=\"#0f172a\">\(escape(box.label))</text></g></a>\n"
        }
        return out + "</svg>\n"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// The DAG for other tools.
public enum LineageExport {
    public static func dot(_ graph: DependencyGraph, names: [String: String]) -> String {
        var out = "digraph lineage {\n  rankdir=LR;\n  node [shape=box, fontname=monospace];\n"
        for id in graph.order { out += "  \"\(id)\" [label=\"\(names[id] ?? id)\"];\n" }
        for id in graph.order { for parent in graph.parents[id] ?? [] { out += "  \"\(parent)\" -> \"\(id)\";\n" } }
        return out + "}\n"
    }

    public static func mermaid(_ graph: DependencyGraph, names: [String: String]) -> String {
        func key(_ id: String) -> String { id.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() }
        var out = "flowchart LR\n"
        for id in graph.order { out += "  \(key(id))[\"\(names[id] ?? id)\"]\n" }
        for id in graph.order { for parent in graph.parents[id] ?? [] { out += "  \(key(parent)) --> \(key(id))\n" } }
        return out
    }

    public static func json(_ graph: DependencyGraph) -> String {
        var out = "{\n  \"nodes\": [\n"
        out += graph.order.map { id in
            let node = graph.nodes[id]!
            return "    {\"id\": \"\(id)\", \"name\": \"\(node.name)\", \"resource_type\": \"\(node.resourceType.rawValue)\", \"parents\": [\(graph.parents[id]!.map { "\"\($0)\"" }.joined(separator: ", "))]}"
        }.joined(separator: ",\n")
        return out + "\n  ]\n}\n"
    }
}
