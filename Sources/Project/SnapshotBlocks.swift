import Foundation

/// The `{% snapshot name %} … {% endsnapshot %}` blocks of a snapshot file: each block's body is a
/// snapshot's SQL template (dbt reads the blocks before rendering, as here).
enum SnapshotBlocks {
    struct Block {
        let name: String
        let body: String
    }

    static func parse(_ source: String, path: String) throws -> [Block] {
        let pattern = #"\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}(.*?)\{%-?\s*endsnapshot\s*-?%\}"#
        let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let range = NSRange(source.startIndex..., in: source)
        let blocks = regex.matches(in: source, range: range).map { match in
            Block(name: String(source[Range(match.range(at: 1), in: source)!]), body: String(source[Range(match.range(at: 2), in: source)!]))
        }
        if blocks.isEmpty && source.range(of: #"\{%-?\s*snapshot\b"#, options: .regularExpression) != nil {
            let line = source[..<source.range(of: #"\{%-?\s*snapshot\b"#, options: .regularExpression)!.lowerBound].filter { $0 == "\n" }.count + 1
            throw ProjectError(file: path, line: line, message: "a `{% snapshot name %}` block without its `{% endsnapshot %}`")
        }
        return blocks
    }
}
