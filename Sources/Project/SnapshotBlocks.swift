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

/// `{% materialization name, adapter='…' %} … {% endmaterialization %}` blocks in macro files:
/// dbt's custom materializations. rops builds with its own materializations, so the blocks are taken
/// out of the macro file (their lines kept blank, so later errors keep their line numbers) and
/// remembered: a model that asks for one fails with what rops offers instead.
enum MaterializationBlocks {
    static let pattern = try! NSRegularExpression(
        pattern: #"\{%-?\s*materialization\s+([A-Za-z_][A-Za-z0-9_]*)[^%]*-?%\}.*?\{%-?\s*endmaterialization\s*-?%\}"#,
        options: [.dotMatchesLineSeparators])

    static func strip(_ source: String) -> (source: String, names: [String]) {
        let range = NSRange(source.startIndex..., in: source)
        let matches = pattern.matches(in: source, range: range)
        guard !matches.isEmpty else { return (source, []) }
        var result = source
        var names: [String] = []
        for match in matches.reversed() {
            let whole = Range(match.range, in: result)!
            names.append(String(result[Range(match.range(at: 1), in: result)!]))
            result.replaceSubrange(whole, with: String(repeating: "\n", count: result[whole].filter { $0 == "\n" }.count))
        }
        return (result, names.reversed())
    }
}
