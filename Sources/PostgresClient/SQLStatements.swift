import Foundation

/// Splits a SQL script into its statements at top-level semicolons, the way psql does: not inside
/// quotes ('…', E'…' with backslash escapes, "…"), dollar quotes ($$…$$, $tag$…$tag$) or comments
/// (-- to the end of the line, nested /* … */). Statements are returned trimmed, empty ones dropped.
///
/// Why: sent as one query string, several statements reach Citus as one text, and Citus forwards
/// the whole text to the workers for each DDL statement in it, which they refuse ("cannot insert
/// multiple commands into a prepared statement"). One statement per query avoids that everywhere.
public enum SQLStatements {
    public static func split(_ script: String) -> [String] {
        let bytes = Array(script.utf8)
        var statements: [String] = []
        var start = 0, i = 0
        func emit(_ end: Int) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty, !isOnlyComments(text) { statements.append(text) }
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "'"):
                let escapes = i > 0 && (bytes[i - 1] == UInt8(ascii: "E") || bytes[i - 1] == UInt8(ascii: "e"))
                    && (i < 2 || !isIdentifierByte(bytes[i - 2]))
                i = endOfQuoted(bytes, from: i + 1, quote: c, backslashEscapes: escapes)
            case UInt8(ascii: "\""):
                i = endOfQuoted(bytes, from: i + 1, quote: c, backslashEscapes: false)
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                i = endOfBlockComment(bytes, from: i + 2)
            case UInt8(ascii: "$"):
                if let tagEnd = dollarTag(bytes, at: i) {
                    let tag = Array(bytes[i...tagEnd])
                    i = endOfDollarQuote(bytes, from: tagEnd + 1, tag: tag)
                } else {
                    i += 1
                }
            case UInt8(ascii: ";"):
                emit(i)
                i += 1
                start = i
            default:
                i += 1
            }
        }
        if start < bytes.count { emit(bytes.count) }
        return statements
    }

    /// Index just past the closing quote (a doubled quote is part of the text).
    private static func endOfQuoted(_ bytes: [UInt8], from: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var i = from
        while i < bytes.count {
            if backslashEscapes && bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == quote {
                if i + 1 < bytes.count && bytes[i + 1] == quote { i += 2; continue }
                return i + 1
            }
            i += 1
        }
        return bytes.count
    }

    private static func endOfBlockComment(_ bytes: [UInt8], from: Int) -> Int {
        var depth = 1, i = from
        while i < bytes.count && depth > 0 {
            if bytes[i] == UInt8(ascii: "/") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*") { depth += 1; i += 2 }
            else if bytes[i] == UInt8(ascii: "*") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/") { depth -= 1; i += 2 }
            else { i += 1 }
        }
        return i
    }

    /// The index of the closing `$` of a dollar-quote opener at `i` (`$$` or `$tag$`), nil when the
    /// `$` is something else (a parameter `$1`, part of an identifier like `a$b`).
    private static func dollarTag(_ bytes: [UInt8], at i: Int) -> Int? {
        if i > 0 && isIdentifierByte(bytes[i - 1]) { return nil }
        var j = i + 1
        if j < bytes.count, bytes[j] >= UInt8(ascii: "0") && bytes[j] <= UInt8(ascii: "9") { return nil }
        while j < bytes.count && isIdentifierByte(bytes[j]) && bytes[j] != UInt8(ascii: "$") { j += 1 }
        return j < bytes.count && bytes[j] == UInt8(ascii: "$") ? j : nil
    }

    private static func endOfDollarQuote(_ bytes: [UInt8], from: Int, tag: [UInt8]) -> Int {
        var i = from
        while i + tag.count <= bytes.count {
            if bytes[i] == UInt8(ascii: "$") && Array(bytes[i..<(i + tag.count)]) == tag { return i + tag.count }
            i += 1
        }
        return bytes.count
    }

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b >= 0x80
    }

    /// A piece holding nothing but comments (what follows the last semicolon, say) is no statement.
    private static func isOnlyComments(_ text: String) -> Bool {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.isEmpty { return true }
            if rest.hasPrefix("--") { rest = rest.drop { $0 != "\n" }; continue }
            if rest.hasPrefix("/*") {
                let bytes = Array(rest.utf8)
                let end = endOfBlockComment(bytes, from: 2)
                rest = Substring(String(decoding: bytes[end...], as: UTF8.self))
                continue
            }
            return false
        }
    }
}

extension PostgresConnection {
    /// Runs a script one statement at a time (see `SQLStatements`); for scripts inside a transaction,
    /// where that means the same as sending it whole.
    public func executeStatements(_ script: String) throws {
        for statement in SQLStatements.split(script) { try execute(statement) }
    }
}
