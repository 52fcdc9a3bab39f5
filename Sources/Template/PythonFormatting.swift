import Foundation

/// How Python prints values: `str()` for output, `repr()` inside containers.
enum PythonFormatting {
    static func str(_ value: Value) -> String {
        switch value {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return floatRepr(d)
        case .string(let s): return s
        case .list, .tuple, .dict: return repr(value)
        case .function(let f): return "<function \(f.name)>"
        case .object(let o): return o.rendered ?? "<\(o.typeName)>"
        }
    }

    static func repr(_ value: Value) -> String {
        switch value {
        case .string(let s): return stringRepr(s)
        case .list(let l): return "[" + l.items.map(repr).joined(separator: ", ") + "]"
        case .tuple(let t): return t.count == 1 ? "(" + repr(t[0]) + ",)" : "(" + t.map(repr).joined(separator: ", ") + ")"
        case .dict(let d): return "{" + d.pairs.map { repr($0.0) + ": " + repr($0.1) }.joined(separator: ", ") + "}"
        case .undefined: return "Undefined"
        default: return str(value)
        }
    }

    /// Python's repr of a str: single quotes unless the text has a single quote and no double quote.
    static func stringRepr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's float repr: shortest round-trip digits, scientific below 1e-4 and from 1e16.
    static func floatRepr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description gives the shortest round-trip digits; re-lay them out Python's way.
        let (digits, exponent) = shortestDigits(abs(d))
        let sign = d < 0 ? "-" : ""
        // `exponent` is the decimal exponent of the first digit (d = 0.digits × 10^(exponent+1)).
        if exponent < -4 || exponent >= 16 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let expSign = exponent < 0 ? "-" : "+"
            let expDigits = String(abs(exponent))
            return sign + mantissa + "e" + expSign + (expDigits.count < 2 ? "0" + expDigits : expDigits)
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The significant digits of `d` (> 0) and the decimal exponent of the first one.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = "\(d)"  // e.g. "1234.5", "1e-05", "1.2345e+20"
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...])!
        }
        var integerPart = mantissa
        var fraction = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = String(mantissa[..<dot])
            fraction = String(mantissa[mantissa.index(after: dot)...])
        }
        var digits = integerPart + fraction
        var firstExponent = integerPart.count - 1 + exponent
        // Drop leading zeros (e.g. "0.001" → "1", exponent -3).
        while digits.count > 1 && digits.first == "0" {
            digits.removeFirst()
            firstExponent -= 1
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        return (digits, firstExponent)
    }
}

extension Value {
    /// How `{{ value }}` prints it (Python's `str()`).
    public var displayString: String { PythonFormatting.str(self) }
}
