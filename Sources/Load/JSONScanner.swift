import Foundation

/// Reads a file in large blocks and hands out bytes with line and offset tracking.
final class ByteReader {
    private let input: FileBlocks
    private let blockSize: Int
    // Hot-path state: unchecked exclusivity, since the runtime check per access cost a third of the
    // time on the labels file (only this object's own methods touch these, one thread at a time).
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var index = 0
    @exclusivity(unchecked) private var bufferOffset = 0
    private var eof = false
    @exclusivity(unchecked) private(set) var line = 1
    /// When set, consumed bytes are copied here (up to the cap), to quarantine a raw record.
    @exclusivity(unchecked) var capture: [UInt8]?
    private(set) var bytesRead = 0

    init(_ input: FileBlocks, blockSize: Int = 4 << 20) {
        self.input = input
        self.blockSize = blockSize
    }

    var offset: Int { bufferOffset + index }

    @inline(__always)
    func peek() throws -> UInt8? {
        if index < buffer.count { return buffer[index] }
        return try refill() ? buffer[index] : nil
    }

    @inline(__always)
    func next() throws -> UInt8? {
        if index >= buffer.count, !(try refill()) { return nil }
        let byte = buffer[index]
        index += 1
        if byte == 10 { line += 1 }
        if capture != nil, capture!.count < maxRejectedBytes { capture!.append(byte) }
        return byte
    }

    private func refill() throws -> Bool {
        guard !eof else { return false }
        bufferOffset += buffer.count
        buffer.removeAll(keepingCapacity: true)
        index = 0
        guard let block = try input.read(upToCount: blockSize), !block.isEmpty else {
            eof = true
            return false
        }
        bytesRead += block.count
        buffer.append(contentsOf: block)
        return true
    }

    func skipWhitespace() throws {
        while true {
            // Fast path over the buffer; `next()` only at block ends.
            while index < buffer.count {
                let byte = buffer[index]
                guard byte == 32 || byte == 10 || byte == 13 || byte == 9 else { return }
                if byte == 10 { line += 1 }
                if capture != nil, capture!.count < maxRejectedBytes { capture!.append(byte) }
                index += 1
            }
            guard try refill() else { return }
        }
    }

    /// The rest of a string with no escapes and no control bytes, when it lies wholly in the buffer
    /// (the opening quote already consumed): its bytes, with the closing quote consumed. Nil otherwise.
    @inline(__always)
    func simpleStringRest() -> [UInt8]? {
        guard capture == nil else { return nil }
        return buffer.withUnsafeBufferPointer { b -> [UInt8]? in
            var j = index
            while j < b.count {
                let byte = b[j]
                if byte == 34 {
                    let bytes = Array(b[index..<j])
                    index = j + 1
                    return bytes
                }
                if byte == 92 || byte < 0x20 { return nil }
                j += 1
            }
            return nil
        }
    }

    /// Skips a UTF-8 byte-order mark at the start.
    func skipBOM() throws {
        if try peek() == 0xEF {
            _ = try next()
            guard try next() == 0xBB, try next() == 0xBF else { throw JSONSyntax.invalid("unexpected byte at the start of the file") }
        }
    }
}

/// Why JSON parsing stopped.
enum JSONSyntax: Error {
    case truncated
    case invalid(String)
}

/// A scalar JSON value as the raw layer stores it: text, or NULL.
enum JSONScalar {
    case text([UInt8])
    case null
}

/// Incremental JSON tokenizer over a ByteReader: never builds an object tree.
struct JSONTokenizer {
    let reader: ByteReader

    func expect(_ byte: UInt8) throws {
        try reader.skipWhitespace()
        guard let found = try reader.next() else { throw JSONSyntax.truncated }
        guard found == byte else {
            throw JSONSyntax.invalid("expected '\(Character(Unicode.Scalar(byte)))' but found '\(Character(Unicode.Scalar(found)))'")
        }
    }

    /// A string's decoded UTF-8 bytes (the opening quote not yet consumed).
    func string() throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        if let simple = reader.simpleStringRest() { return simple }
        var out: [UInt8] = []
        while true {
            guard let byte = try reader.next() else { throw JSONSyntax.truncated }
            switch byte {
            case UInt8(ascii: "\""): return out
            case UInt8(ascii: "\\"):
                guard let escaped = try reader.next() else { throw JSONSyntax.truncated }
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00 {
                        guard try reader.next() == UInt8(ascii: "\\"), try reader.next() == UInt8(ascii: "u") else {
                            throw JSONSyntax.invalid("unpaired surrogate in a string")
                        }
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw JSONSyntax.invalid("unpaired surrogate in a string") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw JSONSyntax.invalid("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw JSONSyntax.invalid("invalid escape in a string")
                }
            default:
                if byte < 0x20 { throw JSONSyntax.invalid("control character inside a string") }
                out.append(byte)
            }
        }
    }

    private func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try reader.next() else { throw JSONSyntax.truncated }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONSyntax.invalid("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A scalar value, or nil when the value is an object or array (which is then skipped).
    func scalarOrSkip() throws -> JSONScalar? {
        try reader.skipWhitespace()
        guard let first = try reader.peek() else { throw JSONSyntax.truncated }
        switch first {
        case UInt8(ascii: "\""): return .text(try string())
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipValue()
            return nil
        case UInt8(ascii: "t"): try word("true"); return .text(Array("true".utf8))
        case UInt8(ascii: "f"): try word("false"); return .text(Array("false".utf8))
        case UInt8(ascii: "n"): try word("null"); return .null
        default:
            var number: [UInt8] = []
            while let byte = try reader.peek(), (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                number.append(try reader.next()!)
            }
            guard !number.isEmpty, Double(String(decoding: number, as: UTF8.self)) != nil else {
                if try reader.peek() == nil { throw JSONSyntax.truncated }
                throw JSONSyntax.invalid("unexpected '\(Character(Unicode.Scalar(first)))'")
            }
            return .text(number)
        }
    }

    private func word(_ text: String) throws {
        for expected in text.utf8 {
            guard let byte = try reader.next() else { throw JSONSyntax.truncated }
            guard byte == expected else { throw JSONSyntax.invalid("invalid literal") }
        }
    }

    /// Levels a skipped value is checked to by recursion; deeper ones are skipped by counting
    /// brackets, so a hostile file nested 100,000 deep cannot overflow the stack.
    static let checkedDepth = 64

    /// Skips any value, nested or not.
    func skipValue(depth: Int = 0) throws {
        try reader.skipWhitespace()
        guard let first = try reader.peek() else { throw JSONSyntax.truncated }
        if depth >= Self.checkedDepth && (first == UInt8(ascii: "{") || first == UInt8(ascii: "[")) { return try skipDeep() }
        switch first {
        case UInt8(ascii: "{"):
            _ = try reader.next()
            try members { _ in try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            _ = try reader.next()
            try elements { try skipValue(depth: depth + 1) }
        default:
            _ = try scalarOrSkip()
        }
    }

    /// Skips an object or array of any depth with a stack of the brackets still open: strings and
    /// scalars are read as usual, brackets must match; commas and colons are not checked.
    private func skipDeep() throws {
        var open: [UInt8] = []
        repeat {
            try reader.skipWhitespace()
            guard let byte = try reader.peek() else { throw JSONSyntax.truncated }
            switch byte {
            case UInt8(ascii: "{"): _ = try reader.next(); open.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["): _ = try reader.next(); open.append(UInt8(ascii: "]"))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = try reader.next()
                guard open.last == byte else { throw JSONSyntax.invalid("'\(Character(Unicode.Scalar(byte)))' does not close the open bracket") }
                open.removeLast()
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: ","), UInt8(ascii: ":"): _ = try reader.next()
            default: _ = try scalarOrSkip()
            }
        } while !open.isEmpty
    }

    /// Iterates an object's members after its `{`: calls `body` with each key, positioned at the value.
    func members(_ body: ([UInt8]) throws -> Void) throws {
        try reader.skipWhitespace()
        if try reader.peek() == UInt8(ascii: "}") { _ = try reader.next(); return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try body(key)
            try reader.skipWhitespace()
            guard let separator = try reader.next() else { throw JSONSyntax.truncated }
            if separator == UInt8(ascii: "}") { return }
            guard separator == UInt8(ascii: ",") else { throw JSONSyntax.invalid("expected ',' or '}' between members") }
        }
    }

    /// Iterates an array's elements after its `[`.
    func elements(_ body: () throws -> Void) throws {
        try reader.skipWhitespace()
        if try reader.peek() == UInt8(ascii: "]") { _ = try reader.next(); return }
        while true {
            try body()
            try reader.skipWhitespace()
            guard let separator = try reader.next() else { throw JSONSyntax.truncated }
            if separator == UInt8(ascii: "]") { return }
            guard separator == UInt8(ascii: ",") else { throw JSONSyntax.invalid("expected ',' or ']' between elements") }
        }
    }
}
