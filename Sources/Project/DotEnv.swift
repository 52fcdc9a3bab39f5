import Foundation

/// A `.env` file parsed the way python-dotenv's `dotenv_values` parses it (the original platform
/// used python-dotenv): `export` prefixes, `#` comments, single quotes (escapes `\\` `\'`), double
/// quotes (escapes `\n \t \" \\` …, multi-line), unquoted values with ` #` comments cut, and
/// `${VAR}` / `${VAR:-default}` expanded from earlier keys, then the environment.
public struct DotEnv: Equatable, Sendable {
    /// Keys in file order; a key written without `=` has a nil value.
    public private(set) var entries: [(key: String, value: String?)] = []
    /// Lines that could not be parsed (1-based), like python-dotenv's "could not parse statement" warnings.
    public private(set) var invalidLines: [Int] = []

    public static func == (lhs: DotEnv, rhs: DotEnv) -> Bool {
        lhs.entries.map(\.key) == rhs.entries.map(\.key) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
            && lhs.invalidLines == rhs.invalidLines
    }

    public subscript(key: String) -> String? {
        entries.last(where: { $0.key == key })?.value
    }

    public init(contentsOf path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        self.init(parsing: String(decoding: data, as: UTF8.self), environment: environment)
    }

    public init(parsing text: String, environment: [String: String] = [:]) {
        var reader = Reader(Array(text.unicodeScalars))
        var raw: [(String, String?)] = []
        while true {
            reader.skip(while: { $0.properties.isWhitespace })
            if reader.atEnd { break }
            let line = reader.line
            if let binding = reader.parseBinding() {
                if let key = binding.key { raw.append((key, binding.value)) }
            } else {
                invalidLines.append(line)
                reader.skipRestOfLine()
            }
        }
        // Interpolation: later keys see earlier ones; file values win over the environment.
        var resolved: [String: String] = environment
        for (key, value) in raw {
            let expanded = value.map { DotEnv.expand($0, resolved) }
            entries.append((key, expanded))
            if let expanded { resolved[key] = expanded } else { resolved[key] = nil }
        }
    }

    /// Expands `${NAME}` and `${NAME:-default}`; unknown names become empty, like python-dotenv.
    static func expand(_ value: String, _ variables: [String: String]) -> String {
        var output = ""
        var rest = Substring(value)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            output += rest[..<start.lowerBound]
            let body = rest[start.upperBound..<end]
            if let separator = body.range(of: ":-") {
                let name = String(body[..<separator.lowerBound])
                let fallback = String(body[separator.upperBound...])
                let found = variables[name] ?? ""
                output += found.isEmpty ? fallback : found
            } else if body.contains(":") {
                output += rest[start.lowerBound...end]  // not a variable reference in python-dotenv's grammar
            } else {
                output += variables[String(body)] ?? ""
            }
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }
}

private struct Reader {
    let scalars: [Unicode.Scalar]
    var position = 0
    var line = 1

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { position >= scalars.count }
    var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }

    mutating func advance() {
        if scalars[position] == "\n" { line += 1 }
        position += 1
    }

    mutating func skip(while predicate: (Unicode.Scalar) -> Bool) {
        while let c = peek, predicate(c) { advance() }
    }

    /// Whitespace that does not end the line.
    mutating func skipInlineSpace() {
        skip(while: { $0.properties.isWhitespace && $0 != "\n" && $0 != "\r" })
    }

    mutating func skipRestOfLine() {
        skip(while: { $0 != "\n" && $0 != "\r" })
        if peek == "\r" { advance() }
        if peek == "\n" { advance() }
    }

    mutating func consume(_ word: String) -> Bool {
        let target = Array(word.unicodeScalars)
        guard position + target.count <= scalars.count,
              Array(scalars[position..<position + target.count]) == target else { return false }
        for _ in target { advance() }
        return true
    }

    /// One `[export ]KEY[=VALUE][ # comment]` line. Nil when the line does not parse.
    mutating func parseBinding() -> (key: String?, value: String?)? {
        let mark = position
        if consume("export"), let c = peek, c == " " || c == "\t" {
            skipInlineSpace()
        } else {
            position = mark
        }
        if peek == "#" { skipRestOfLine(); return (nil, nil) }
        guard let key = parseKey() else { return nil }
        skipInlineSpace()
        var value: String?
        if peek == "=" {
            advance()
            skipInlineSpace()
            guard let parsed = parseValue() else { return nil }
            value = parsed
        }
        skipInlineSpace()
        if peek == "#" { skip(while: { $0 != "\n" && $0 != "\r" }) }
        skipInlineSpace()
        guard atEnd || peek == "\n" || peek == "\r" else { return nil }
        if peek == "\r" { advance() }
        if peek == "\n" { advance() }
        return (key, value)
    }

    mutating func parseKey() -> String? {
        if peek == "'" {
            advance()
            var key = ""
            while let c = peek, c != "'" { key.unicodeScalars.append(c); advance() }
            guard peek == "'", !key.isEmpty else { return nil }
            advance()
            return key
        }
        var key = ""
        while let c = peek, c != "=", c != "#", !c.properties.isWhitespace {
            key.unicodeScalars.append(c)
            advance()
        }
        return key.isEmpty ? nil : key
    }

    mutating func parseValue() -> String? {
        switch peek {
        case "'": return parseQuoted("'", escapes: ["\\": "\\", "'": "'"])
        case "\"": return parseQuoted("\"", escapes: ["\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}",
                                                     "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r",
                                                     "t": "\t", "v": "\u{0B}"])
        case nil, "\n", "\r": return ""
        default:
            var text = ""
            while let c = peek, c != "\n", c != "\r" { text.unicodeScalars.append(c); advance() }
            // python-dotenv: `re.sub(r"\s+#.*", "", part).rstrip()`
            if let comment = text.range(of: #"\s+#.*"#, options: .regularExpression) {
                text.removeSubrange(comment)
            }
            while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
            return text
        }
    }

    mutating func parseQuoted(_ quote: Unicode.Scalar, escapes: [Unicode.Scalar: String]) -> String? {
        advance()
        var text = ""
        while let c = peek, c != quote {
            if c == "\\", position + 1 < scalars.count {
                let next = scalars[position + 1]
                if let replacement = escapes[next] {
                    text += replacement
                    advance(); advance()
                    continue
                }
            }
            text.unicodeScalars.append(c)
            advance()
        }
        guard peek == quote else { return nil }
        advance()
        return text
    }
}
