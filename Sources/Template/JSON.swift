import Foundation

/// Python's `json.dumps` (ensure_ascii on), as Jinja's `tojson` uses it, with its HTML-safe escapes.
enum JSON {
    static func dumps(_ value: Value, indent: Int?, sortKeys: Bool, htmlSafe: Bool) throws -> String {
        var output = ""
        try write(value, indent: indent, level: 0, sortKeys: sortKeys, into: &output)
        if htmlSafe {
            output = output.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
                .replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "'", with: "\\u0027")
        }
        return output
    }

    private static func write(_ value: Value, indent: Int?, level: Int, sortKeys: Bool, into output: inout String) throws {
        switch value {
        case .none: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .int(let i): output += String(i)
        case .double(let d):
            if d.isNaN { output += "NaN" } else if d.isInfinite { output += d > 0 ? "Infinity" : "-Infinity" } else { output += PythonFormatting.floatRepr(d) }
        case .string(let s): output += quote(s)
        case .list, .tuple:
            let items = value.iterationItems()!
            try writeContainer(open: "[", close: "]", count: items.count, indent: indent, level: level, into: &output) { i, out in
                try write(items[i], indent: indent, level: level + 1, sortKeys: sortKeys, into: &out)
            }
        case .dict(let d):
            var pairs = d.pairs
            if sortKeys {
                pairs.sort { PythonFormatting.str($0.0).unicodeScalars.lexicographicallyPrecedes(PythonFormatting.str($1.0).unicodeScalars) }
            }
            try writeContainer(open: "{", close: "}", count: pairs.count, indent: indent, level: level, into: &output) { i, out in
                let key: String
                switch pairs[i].0 {
                case .string(let s): key = s
                case .none: key = "null"
                case .bool(let b): key = b ? "true" : "false"
                case .int, .double: key = PythonFormatting.str(pairs[i].0)
                default: throw EvaluationError("keys must be str, int, float, bool or None, not \(pairs[i].0.typeName)")
                }
                out += quote(key) + ": "
                try write(pairs[i].1, indent: indent, level: level + 1, sortKeys: sortKeys, into: &out)
            }
        case .undefined(let reason): throw EvaluationError(reason)
        default: throw EvaluationError("Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private static func writeContainer(open: String, close: String, count: Int, indent: Int?, level: Int,
                                       into output: inout String, item: (Int, inout String) throws -> Void) throws {
        output += open
        guard count > 0 else { output += close; return }
        for i in 0..<count {
            if let indent {
                output += (i == 0 ? "" : ",") + "\n" + String(repeating: " ", count: indent * (level + 1))
            } else if i > 0 {
                output += ", "
            }
            try item(i, &output)
        }
        if let indent { output += "\n" + String(repeating: " ", count: indent * level) }
        output += close
    }

    static func quote(_ s: String) -> String { JSONString.quote(s, asciiOnly: true) }
}

/// JSON string quoting, shared by `tojson` and the tool's artifacts.
public enum JSONString {
    /// `asciiOnly` escapes everything beyond ASCII as `\uXXXX`, like Python's `json.dumps`.
    public static func quote(_ s: String, asciiOnly: Bool) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7e) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                    } else {
                        out += String(format: "\\u%04x", scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
