import Foundation
import Template

/// A `{% docs name %}…{% enddocs %}` block from a Markdown file under the docs paths, as dbt reads
/// them: YAML descriptions pull one in with `{{ doc('name') }}`, and `__overview__` is the docs
/// site's front page. Text outside blocks is ignored. A block's text is rendered once with an empty
/// context and trimmed, as dbt does, so `{# comments #}` and `{% raw %}` work inside it.
public struct DocBlock: Sendable {
    public let name: String
    /// The file, relative to the project root.
    public let path: String
    public let line: Int
    public let contents: String

    /// The blocks of one file, in order.
    static func parse(_ text: String, path: String) throws -> [DocBlock] {
        var blocks: [DocBlock] = []
        var open: (name: String, line: Int, contentStart: String.Index)?
        var searchFrom = text.startIndex
        while let tagStart = text.range(of: "{%", range: searchFrom..<text.endIndex) {
            guard let tagEnd = text.range(of: "%}", range: tagStart.upperBound..<text.endIndex) else { break }
            searchFrom = tagEnd.upperBound
            let words = text[tagStart.upperBound..<tagEnd.lowerBound]
                .trimmingCharacters(in: CharacterSet(charactersIn: "-").union(.whitespacesAndNewlines))
                .split(whereSeparator: \.isWhitespace)
            let line = text[..<tagStart.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            switch words.first {
            case "docs":
                if let open {
                    throw ProjectError(file: path, line: line, message: "`{% docs %}` inside the block '\(open.name)' (line \(open.line)); close it with `{% enddocs %}` first")
                }
                guard words.count == 2, Self.isName(words[1]) else {
                    throw ProjectError(file: path, line: line, message: "a docs block is opened as `{% docs name %}`, with a name of letters, digits and underscores")
                }
                open = (String(words[1]), line, tagEnd.upperBound)
            case "enddocs":
                guard let current = open else {
                    throw ProjectError(file: path, line: line, message: "`{% enddocs %}` without a `{% docs name %}` before it")
                }
                let raw = String(text[current.contentStart..<tagStart.lowerBound])
                blocks.append(DocBlock(name: current.name, path: path, line: current.line,
                                       contents: try render(raw, path: path, line: current.line)))
                open = nil
            default:
                continue
            }
        }
        if let open {
            throw ProjectError(file: path, line: open.line, message: "the docs block '\(open.name)' has no `{% enddocs %}`")
        }
        return blocks
    }

    private static func isName(_ word: Substring) -> Bool {
        guard let first = word.first, first.isLetter || first == "_" else { return false }
        return word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    private static func render(_ raw: String, path: String, line: Int) throws -> String {
        do {
            return try Template(source: raw, file: path, options: TemplateOptions(strictUndefined: false)).render([:])
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } catch let error as TemplateError {
            throw ProjectError(file: path, line: line + error.line - 1, message: error.message)
        }
    }
}
