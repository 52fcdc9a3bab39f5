/// Appends values in PostgreSQL's COPY text format: tab-separated, `\N` for NULL, and backslash,
/// tab, newline and carriage return escaped.
struct CopyText {
    static let tab: UInt8 = 9, newline: UInt8 = 10, cr: UInt8 = 13, backslash: UInt8 = 92

    @inline(__always)
    static func appendNull(_ out: inout [UInt8]) {
        out.append(backslash)
        out.append(UInt8(ascii: "N"))
    }

    /// Appends `bytes` escaped; when `collapseQuote` is set, each doubled quote becomes one.
    @inline(__always)
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, collapseQuote: UInt8? = nil, into out: inout [UInt8]) {
        var needsWork = false
        for byte in bytes where byte == backslash || byte == tab || byte == newline || byte == cr || byte == collapseQuote {
            needsWork = true
            break
        }
        if !needsWork {
            out.append(contentsOf: bytes)
            return
        }
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            switch byte {
            case backslash: out.append(backslash); out.append(backslash)
            case tab: out.append(backslash); out.append(UInt8(ascii: "t"))
            case newline: out.append(backslash); out.append(UInt8(ascii: "n"))
            case cr: out.append(backslash); out.append(UInt8(ascii: "r"))
            default:
                out.append(byte)
                if byte == collapseQuote, i + 1 < count, bytes[i + 1] == byte { i += 1 }
            }
            i += 1
        }
    }

    static func append(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append($0, into: &out) }
    }

    static func append(_ number: Int, into out: inout [UInt8]) {
        out.append(contentsOf: String(number).utf8)
    }

    /// bytea in hex form (`\x…`), escaped for COPY (the backslash doubled).
    static func appendBytea(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.append(backslash); out.append(backslash); out.append(UInt8(ascii: "x"))
        let digits = Array("0123456789abcdef".utf8)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
    }
}

/// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Check {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let count = bytes.count
        while i < count {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let needed: Int, minimum: UInt32
            var code: UInt32
            switch b0 {
            case 0xC2...0xDF: needed = 1; code = UInt32(b0 & 0x1F); minimum = 0x80
            case 0xE0...0xEF: needed = 2; code = UInt32(b0 & 0x0F); minimum = 0x800
            case 0xF0...0xF4: needed = 3; code = UInt32(b0 & 0x07); minimum = 0x10000
            default: return false
            }
            if i + needed >= count { return false }  // sequence cut off at the end
            for k in 1...needed {
                let b = bytes[i + k]
                guard b & 0xC0 == 0x80 else { return false }
                code = code << 6 | UInt32(b & 0x3F)
            }
            if code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) { return false }
            i += needed + 1
        }
        return true
    }

    /// The bytes as text, invalid sequences replaced by U+FFFD (for the readable raw_text column).
    static func lossy(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
    }
}

/// PostgreSQL's binary COPY format, used for JSON rows: fields are length-prefixed, so the server
/// skips the escape parsing of the text format (measurably faster for narrow rows such as labels).
enum CopyBinary {
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    static let trailer: [UInt8] = [0xFF, 0xFF]

    @inline(__always)
    static func appendFieldCount(_ count: Int, into out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: count >> 8))
        out.append(UInt8(truncatingIfNeeded: count))
    }

    @inline(__always)
    static func appendInt32(_ value: Int32, into out: inout [UInt8]) {
        let bits = UInt32(bitPattern: value)
        out.append(UInt8(truncatingIfNeeded: bits >> 24))
        out.append(UInt8(truncatingIfNeeded: bits >> 16))
        out.append(UInt8(truncatingIfNeeded: bits >> 8))
        out.append(UInt8(truncatingIfNeeded: bits))
    }

    static func setInt32(_ value: Int32, at index: Int, in out: inout [UInt8]) {
        let bits = UInt32(bitPattern: value)
        out[index] = UInt8(truncatingIfNeeded: bits >> 24)
        out[index + 1] = UInt8(truncatingIfNeeded: bits >> 16)
        out[index + 2] = UInt8(truncatingIfNeeded: bits >> 8)
        out[index + 3] = UInt8(truncatingIfNeeded: bits)
    }

    /// A bigint field.
    static func appendInt64(_ value: Int, into out: inout [UInt8]) {
        appendInt32(8, into: &out)
        let bits = UInt64(bitPattern: Int64(value))
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    /// A boolean field that is true, or NULL (flags where false carries no information).
    static func appendTrueOrNull(_ flag: Bool, into out: inout [UInt8]) {
        guard flag else { appendInt32(-1, into: &out); return }
        appendInt32(1, into: &out)
        out.append(1)
    }

    /// A text field (its UTF-8 bytes), or NULL.
    @inline(__always)
    static func appendText(_ bytes: [UInt8]?, into out: inout [UInt8]) {
        guard let bytes else { appendInt32(-1, into: &out); return }
        appendInt32(Int32(bytes.count), into: &out)
        out.append(contentsOf: bytes)
    }
}
