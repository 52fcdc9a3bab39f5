/// A token of the template language.
enum TokenKind: Equatable {
    case text(String)
    case variableBegin, variableEnd
    case blockBegin, blockEnd
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case op(String)
    case end
}

struct Token {
    let kind: TokenKind
    let location: SourceLocation
}

/// Splits a template into text and tag tokens, applying Jinja's whitespace control:
/// `{%-`/`{{-`/`{#-` strip all whitespace before the tag, `-%}`/`-}}`/`-#}` all whitespace after.
/// Defaults as in Jinja: `trim_blocks` and `lstrip_blocks` off; one trailing newline of the whole
/// template is removed unless `keepTrailingNewline`.
struct Lexer {
    let source: [UInt8]
    let file: String
    let keepTrailingNewline: Bool
    private var position = 0
    private var line = 1
    private var lineStart = 0
    private(set) var tokens: [Token] = []
    private var stripNextText = false

    init(source: String, file: String, keepTrailingNewline: Bool) {
        var bytes = Array(source.utf8)
        // Jinja normalises \r\n and \r to \n in templates (newline_sequence = "\n").
        if bytes.contains(13) { bytes = Lexer.normaliseNewlines(bytes) }
        if !keepTrailingNewline, bytes.last == 10 { bytes.removeLast() }
        self.source = bytes
        self.file = file
        self.keepTrailingNewline = keepTrailingNewline
    }

    static func normaliseNewlines(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 13 {
                output.append(10)
                if i + 1 < bytes.count && bytes[i + 1] == 10 { i += 1 }
            } else {
                output.append(bytes[i])
            }
            i += 1
        }
        return output
    }

    mutating func tokenize() throws -> [Token] {
        while position < source.count {
            guard let tagStart = findNextTag(from: position) else {
                emitText(from: position, to: source.count, stripRight: false)
                advance(to: source.count)
                break
            }
            let kind = source[tagStart + 1]
            let modifier = tagStart + 2 < source.count ? source[tagStart + 2] : 0
            let stripLeft = modifier == UInt8(ascii: "-")
            emitText(from: position, to: tagStart, stripRight: stripLeft)
            advance(to: tagStart)
            let tagLocation = location
            advance(to: tagStart + 2 + (modifier == UInt8(ascii: "-") || modifier == UInt8(ascii: "+") ? 1 : 0))
            switch kind {
            case UInt8(ascii: "#"): try skipComment(start: tagLocation)
            case UInt8(ascii: "{"):
                tokens.append(Token(kind: .variableBegin, location: tagLocation))
                try lexInside(closing: UInt8(ascii: "}"), endKind: .variableEnd, start: tagLocation)
            default:
                if try lexRawBlockIfPresent(start: tagLocation) { continue }
                tokens.append(Token(kind: .blockBegin, location: tagLocation))
                try lexInside(closing: UInt8(ascii: "%"), endKind: .blockEnd, start: tagLocation)
            }
        }
        tokens.append(Token(kind: .end, location: location))
        return tokens
    }

    // MARK: - Text

    private func findNextTag(from start: Int) -> Int? {
        var i = start
        let count = source.count
        while i + 1 < count {
            if source[i] == UInt8(ascii: "{") {
                let next = source[i + 1]
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") || next == UInt8(ascii: "#") { return i }
            }
            i += 1
        }
        return nil
    }

    private mutating func emitText(from start: Int, to end: Int, stripRight: Bool) {
        var lower = start, upper = end
        if stripNextText {
            while lower < upper && isWhitespace(source[lower]) { lower += 1 }
            stripNextText = false
        }
        if stripRight {
            while upper > lower && isWhitespace(source[upper - 1]) { upper -= 1 }
        }
        guard lower < upper else { return }
        let text = String(decoding: source[lower..<upper], as: UTF8.self)
        tokens.append(Token(kind: .text(text), location: locationOf(start)))
    }

    private func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 32 || byte == 9 || byte == 10 || byte == 13 || byte == 11 || byte == 12
    }

    // MARK: - Comments and raw blocks

    private mutating func skipComment(start: SourceLocation) throws {
        var i = position
        while i + 1 < source.count {
            if source[i] == UInt8(ascii: "#") && source[i + 1] == UInt8(ascii: "}") {
                if i > position && source[i - 1] == UInt8(ascii: "-") { stripNextText = true }
                advance(to: i + 2)
                return
            }
            i += 1
        }
        throw error("unclosed comment: expected '#}'", at: start)
    }

    /// `{% raw %}…{% endraw %}`: the content is text, untouched.
    private mutating func lexRawBlockIfPresent(start: SourceLocation) throws -> Bool {
        var i = position
        while i < source.count && isWhitespace(source[i]) { i += 1 }
        guard matchWord("raw", at: i) else { return false }
        var j = i + 3
        while j < source.count && isWhitespace(source[j]) { j += 1 }
        var stripAfterOpen = false
        if j < source.count && (source[j] == UInt8(ascii: "-") || source[j] == UInt8(ascii: "+")) {
            stripAfterOpen = source[j] == UInt8(ascii: "-")
            j += 1
        }
        guard j + 1 < source.count, source[j] == UInt8(ascii: "%"), source[j + 1] == UInt8(ascii: "}") else { return false }
        let contentStart = j + 2
        // Find {% endraw %} (with optional whitespace control).
        var k = contentStart
        while k + 1 < source.count {
            if source[k] == UInt8(ascii: "{") && source[k + 1] == UInt8(ascii: "%") {
                var m = k + 2
                let stripBeforeClose = m < source.count && source[m] == UInt8(ascii: "-")
                if m < source.count && (source[m] == UInt8(ascii: "-") || source[m] == UInt8(ascii: "+")) { m += 1 }
                while m < source.count && isWhitespace(source[m]) { m += 1 }
                if matchWord("endraw", at: m) {
                    var n = m + 6
                    while n < source.count && isWhitespace(source[n]) { n += 1 }
                    var stripAfterClose = false
                    if n < source.count && source[n] == UInt8(ascii: "-") { stripAfterClose = true; n += 1 }
                    guard n + 1 < source.count, source[n] == UInt8(ascii: "%"), source[n + 1] == UInt8(ascii: "}") else {
                        throw error("expected '%}' after 'endraw'", at: locationOf(k))
                    }
                    var lower = contentStart, upper = k
                    if stripAfterOpen { while lower < upper && isWhitespace(source[lower]) { lower += 1 } }
                    if stripBeforeClose { while upper > lower && isWhitespace(source[upper - 1]) { upper -= 1 } }
                    if lower < upper {
                        tokens.append(Token(kind: .text(String(decoding: source[lower..<upper], as: UTF8.self)),
                                            location: locationOf(lower)))
                    }
                    stripNextText = stripAfterClose
                    advance(to: n + 2)
                    return true
                }
            }
            k += 1
        }
        throw error("unclosed raw block: expected '{% endraw %}'", at: start)
    }

    private func matchWord(_ word: String, at index: Int) -> Bool {
        let bytes = word.utf8
        guard index + bytes.count <= source.count else { return false }
        var i = index
        for byte in bytes {
            guard source[i] == byte else { return false }
            i += 1
        }
        let after = index + bytes.count
        return after >= source.count || !isNameByte(source[after])
    }

    // MARK: - Inside tags

    private mutating func lexInside(closing: UInt8, endKind: TokenKind, start: SourceLocation) throws {
        var depth: [UInt8] = []
        while true {
            skipTagWhitespace()
            guard position < source.count else {
                throw error("unclosed tag: expected '\(closing == UInt8(ascii: "}") ? "}}" : "%}")'", at: start)
            }
            let byte = source[position]
            if depth.isEmpty {
                // `-}}`, `-%}`, `+%}` or `}}`, `%}`
                if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")) && position + 2 < source.count
                    && source[position + 1] == closing && source[position + 2] == UInt8(ascii: "}") {
                    let endLocation = location
                    if byte == UInt8(ascii: "-") { stripNextText = true }
                    advance(to: position + 3)
                    tokens.append(Token(kind: endKind, location: endLocation))
                    return
                }
                if byte == closing && position + 1 < source.count && source[position + 1] == UInt8(ascii: "}") {
                    tokens.append(Token(kind: endKind, location: location))
                    advance(to: position + 2)
                    return
                }
            }
            let tokenLocation = location
            if isNameStart(byte) {
                var end = position
                while end < source.count && isNameByte(source[end]) { end += 1 }
                tokens.append(Token(kind: .name(String(decoding: source[position..<end], as: UTF8.self)), location: tokenLocation))
                advance(to: end)
            } else if isDigit(byte) || (byte == UInt8(ascii: ".") && position + 1 < source.count && isDigit(source[position + 1]) && !lastTokenIsOperand) {
                try lexNumber(tokenLocation)
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                try lexString(quote: byte, tokenLocation)
            } else {
                let op = try lexOperator(tokenLocation)
                switch op {
                case "(", "[", "{": depth.append(op.utf8.first!)
                case ")", "]", "}":
                    let expected: UInt8 = op == ")" ? UInt8(ascii: "(") : op == "]" ? UInt8(ascii: "[") : UInt8(ascii: "{")
                    guard depth.last == expected else {
                        throw error("unexpected '\(op)'", at: tokenLocation)
                    }
                    depth.removeLast()
                default: break
                }
                tokens.append(Token(kind: .op(op), location: tokenLocation))
            }
        }
    }

    private var lastTokenIsOperand: Bool {
        switch tokens.last?.kind {
        case .name, .string, .integer, .float: return true
        case .op(let op): return op == ")" || op == "]" || op == "}"
        default: return false
        }
    }

    private mutating func skipTagWhitespace() {
        while position < source.count && isWhitespace(source[position]) { advance(to: position + 1) }
    }

    private static let twoByteOperators: [(UInt8, UInt8, String)] = ["//", "**", "==", "!=", "<=", ">="].map {
        let bytes = Array($0.utf8)
        return (bytes[0], bytes[1], $0)
    }
    private static let oneByteOperators: [UInt8: String] = Dictionary(uniqueKeysWithValues:
        ["+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ".", ":", "|", ",", ";"].map { ($0.utf8.first!, $0) })

    private mutating func lexOperator(_ at: SourceLocation) throws -> String {
        let first = source[position]
        if position + 1 < source.count {
            let second = source[position + 1]
            for (a, b, op) in Lexer.twoByteOperators where a == first && b == second {
                advance(to: position + 2)
                return op
            }
        }
        if let op = Lexer.oneByteOperators[first] {
            advance(to: position + 1)
            return op
        }
        let character = String(decoding: source[position..<min(position + 1, source.count)], as: UTF8.self)
        throw error("unexpected character '\(character)'", at: at)
    }

    private mutating func lexNumber(_ at: SourceLocation) throws {
        var end = position
        var isFloat = false
        while end < source.count && (isDigit(source[end]) || source[end] == UInt8(ascii: "_")) { end += 1 }
        if end < source.count && source[end] == UInt8(ascii: ".") && end + 1 < source.count && isDigit(source[end + 1]) {
            isFloat = true
            end += 1
            while end < source.count && (isDigit(source[end]) || source[end] == UInt8(ascii: "_")) { end += 1 }
        }
        if end < source.count && (source[end] == UInt8(ascii: "e") || source[end] == UInt8(ascii: "E")) {
            var k = end + 1
            if k < source.count && (source[k] == UInt8(ascii: "+") || source[k] == UInt8(ascii: "-")) { k += 1 }
            if k < source.count && isDigit(source[k]) {
                isFloat = true
                end = k
                while end < source.count && isDigit(source[end]) { end += 1 }
            }
        }
        let text = String(decoding: source[position..<end], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        advance(to: end)
        if isFloat {
            guard let value = Double(text) else { throw error("invalid number '\(text)'", at: at) }
            tokens.append(Token(kind: .float(value), location: at))
        } else {
            guard let value = Int(text) else { throw error("integer '\(text)' is too large", at: at) }
            tokens.append(Token(kind: .integer(value), location: at))
        }
    }

    private mutating func lexString(quote: UInt8, _ at: SourceLocation) throws {
        var bytes: [UInt8] = []
        var i = position + 1
        while i < source.count {
            let byte = source[i]
            if byte == quote {
                advance(to: i + 1)
                tokens.append(Token(kind: .string(String(decoding: bytes, as: UTF8.self)), location: at))
                return
            }
            if byte == UInt8(ascii: "\\") && i + 1 < source.count {
                let next = source[i + 1]
                i += 2
                switch next {
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "\\"): bytes.append(92)
                case UInt8(ascii: "'"): bytes.append(39)
                case UInt8(ascii: "\""): bytes.append(34)
                case UInt8(ascii: "0"): bytes.append(0)
                case UInt8(ascii: "a"): bytes.append(7)
                case UInt8(ascii: "b"): bytes.append(8)
                case UInt8(ascii: "f"): bytes.append(12)
                case UInt8(ascii: "v"): bytes.append(11)
                case 10: break  // line continuation
                case UInt8(ascii: "u"), UInt8(ascii: "x"), UInt8(ascii: "U"):
                    let width = next == UInt8(ascii: "x") ? 2 : next == UInt8(ascii: "u") ? 4 : 8
                    guard i + width <= source.count,
                          let code = UInt32(String(decoding: source[i..<i + width], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else {
                        throw error("invalid escape in string", at: at)
                    }
                    bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += width
                default:
                    bytes.append(92)
                    bytes.append(next)
                }
                continue
            }
            if byte == 10 { line += 1; lineStart = i + 1 }
            bytes.append(byte)
            i += 1
        }
        throw error("unclosed string", at: at)
    }

    // MARK: - Positions

    private var location: SourceLocation { SourceLocation(line: line, column: position - lineStart + 1) }

    private func locationOf(_ index: Int) -> SourceLocation {
        var l = line, start = lineStart
        if index >= position {
            for i in position..<index where source[i] == 10 { l += 1; start = i + 1 }
        }
        return SourceLocation(line: l, column: index - start + 1)
    }

    private mutating func advance(to index: Int) {
        var i = position
        while i < index {
            if source[i] == 10 { line += 1; lineStart = i + 1 }
            i += 1
        }
        position = index
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    private func isNameStart(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b >= 128 }
    private func isNameByte(_ b: UInt8) -> Bool { isNameStart(b) || isDigit(b) }

    private func error(_ message: String, at location: SourceLocation) -> TemplateError {
        TemplateError(file: file, line: location.line, column: location.column, message: message,
                      sourceLine: Lexer.line(location.line, of: source))
    }

    static func line(_ number: Int, of source: [UInt8]) -> String {
        var current = 1, start = 0
        for (i, byte) in source.enumerated() where byte == 10 {
            if current == number { return String(decoding: source[start..<i], as: UTF8.self) }
            current += 1
            start = i + 1
        }
        return current == number ? String(decoding: source[start...], as: UTF8.self) : ""
    }
}
