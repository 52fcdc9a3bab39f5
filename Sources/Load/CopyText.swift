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
