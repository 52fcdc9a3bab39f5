import Foundation

/// Python's `%`-formatting (`format` filter, `"%s" % x`) and `str.format`.
enum Formatting {
    static func percent(_ template: String, _ arguments: Value) throws -> String {
        var positional: [Value]
        var named: DictBox?
        switch arguments {
        case .tuple(let items): positional = items
        case .dict(let d): positional = []; named = d
        default: positional = [arguments]
        }
        var output = ""
        var chars = Array(template)
        var i = 0
        var next = 0
        chars.append("\0")
        while i < chars.count - 1 {
            let c = chars[i]
            guard c == "%" else { output.append(c); i += 1; continue }
            i += 1
            var key: String?
            if chars[i] == "(" {
                var j = i + 1
                while j < chars.count - 1 && chars[j] != ")" { j += 1 }
                key = String(chars[(i + 1)..<j])
                i = j + 1
            }
            var flags = ""
            while "-+ 0#".contains(chars[i]) { flags.append(chars[i]); i += 1 }
            var width = ""
            while chars[i].isNumber { width.append(chars[i]); i += 1 }
            var precision: Int?
            if chars[i] == "." {
                i += 1
                var p = ""
                while chars[i].isNumber { p.append(chars[i]); i += 1 }
                precision = Int(p) ?? 0
            }
            let conversion = chars[i]
            i += 1
            if conversion == "%" { output += "%"; continue }
            let value: Value
            if let key {
                guard let named, let found = named.get(key) else { throw EvaluationError("format requires a mapping with key '\(key)'") }
                value = found
            } else {
                guard next < positional.count else { throw EvaluationError("not enough arguments for format string") }
                value = positional[next]
                next += 1
            }
            var piece: String
            switch conversion {
            case "s": piece = PythonFormatting.str(value)
            case "r": piece = PythonFormatting.repr(value)
            case "d", "i":
                guard let number = value.asDouble else { throw EvaluationError("%\(conversion) format: a number is required, not \(value.typeName)") }
                piece = String(Int(number.rounded(.towardZero)))
                if flags.contains("+") && number >= 0 { piece = "+" + piece }
            case "f", "F", "e", "E", "g", "G":
                guard let number = value.asDouble else { throw EvaluationError("%\(conversion) format: a number is required, not \(value.typeName)") }
                piece = String(format: "%\(flags.contains("+") ? "+" : "").\(precision ?? 6)\(conversion)", number)
            case "x", "X", "o":
                guard let number = value.intValue else { throw EvaluationError("%\(conversion) format: an integer is required") }
                piece = String(number, radix: conversion == "o" ? 8 : 16, uppercase: conversion == "X")
            default:
                throw EvaluationError("unsupported format character '\(conversion)'")
            }
            if let precision, conversion == "s" { piece = String(piece.prefix(precision)) }
            if let w = Int(width), piece.count < w {
                let padding = String(repeating: flags.contains("0") && !flags.contains("-") ? "0" : " ", count: w - piece.count)
                piece = flags.contains("-") ? piece + padding.replacingOccurrences(of: "0", with: " ") : padding + piece
            }
            output += piece
        }
        if next < positional.count && named == nil {
            throw EvaluationError("not all arguments converted during string formatting")
        }
        return output
    }

    /// `"{} and {name:>5}".format(a, name=b)`.
    static func format(_ template: String, _ arguments: Arguments) throws -> String {
        var output = ""
        let chars = Array(template)
        var i = 0
        var automatic = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" { output += "{"; i += 2; continue }
                var j = i + 1
                while j < chars.count && chars[j] != "}" { j += 1 }
                guard j < chars.count else { throw EvaluationError("Single '{' encountered in format string") }
                let field = String(chars[(i + 1)..<j])
                var name = field, spec = ""
                if let colon = field.firstIndex(of: ":") {
                    name = String(field[..<colon])
                    spec = String(field[field.index(after: colon)...])
                }
                var attributePath: [String] = []
                let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                name = parts[0]
                attributePath = Array(parts.dropFirst())
                var value: Value
                if name.isEmpty {
                    guard automatic < arguments.positional.count else { throw EvaluationError("Replacement index \(automatic) out of range for positional args tuple") }
                    value = arguments.positional[automatic]
                    automatic += 1
                } else if let index = Int(name) {
                    guard index < arguments.positional.count else { throw EvaluationError("Replacement index \(index) out of range for positional args tuple") }
                    value = arguments.positional[index]
                } else {
                    guard let found = arguments.keyword.first(where: { $0.0 == name }) else { throw EvaluationError("KeyError: '\(name)'") }
                    value = found.1
                }
                for attribute in attributePath { value = try Attributes.get(value, attribute, evaluator: nil) }
                output += try applySpec(spec, value)
                i = j + 1
            } else if c == "}" {
                if i + 1 < chars.count && chars[i + 1] == "}" { output += "}"; i += 2; continue }
                throw EvaluationError("Single '}' encountered in format string")
            } else {
                output.append(c)
                i += 1
            }
        }
        return output
    }

    /// A subset of Python's format spec: `[[fill]align][sign][0][width][,][.precision][type]`.
    static func applySpec(_ spec: String, _ value: Value) throws -> String {
        if spec.isEmpty { return PythonFormatting.str(value) }
        var chars = Array(spec)
        var fill: Character = " ", align: Character?
        if chars.count >= 2 && "<>^=".contains(chars[1]) { fill = chars[0]; align = chars[1]; chars.removeFirst(2) }
        else if let first = chars.first, "<>^=".contains(first) { align = first; chars.removeFirst() }
        var sign = ""
        if let first = chars.first, "+- ".contains(first) { sign = String(first); chars.removeFirst() }
        if chars.first == "0" { fill = "0"; if align == nil { align = "=" }; chars.removeFirst() }
        var width = ""
        while let first = chars.first, first.isNumber { width.append(first); chars.removeFirst() }
        var grouping = false
        if chars.first == "," { grouping = true; chars.removeFirst() }
        var precision: Int?
        if chars.first == "." {
            chars.removeFirst()
            var p = ""
            while let first = chars.first, first.isNumber { p.append(first); chars.removeFirst() }
            precision = Int(p)
        }
        let type = chars.first
        var text: String
        switch type {
        case "f", "F", "%":
            guard var number = value.asDouble else { throw EvaluationError("Unknown format code '\(type!)' for object of type '\(value.typeName)'") }
            if type == "%" { number *= 100 }
            text = String(format: "%.\(precision ?? 6)f", number)
            if grouping { text = group(text) }
            if type == "%" { text += "%" }
        case "d":
            guard let number = value.intValue else { throw EvaluationError("Unknown format code 'd' for object of type '\(value.typeName)'") }
            text = String(number)
            if grouping { text = group(text) }
        case "e", "E":
            guard let number = value.asDouble else { throw EvaluationError("Unknown format code for '\(value.typeName)'") }
            text = String(format: "%.\(precision ?? 6)\(type!)", number)
        case "s", nil:
            text = PythonFormatting.str(value)
            if let precision, case .string = value { text = String(text.prefix(precision)) }
            if grouping, let number = value.intValue, case .int = value { text = group(String(number)) }
            if let precision, case .double(let d) = value { text = String(format: "%.\(precision)g", d) }
        default:
            throw EvaluationError("unsupported format spec '\(spec)'")
        }
        if sign == "+", let number = value.asDouble, number >= 0 { text = "+" + text }
        if sign == " ", let number = value.asDouble, number >= 0 { text = " " + text }
        if let w = Int(width), text.count < w {
            let padding = w - text.count
            let isNumber: Bool = { if case .string = value { return false } else { return true } }()
            switch align ?? (isNumber ? ">" : "<") {
            case "<": text += String(repeating: fill, count: padding)
            case "^":
                let left = padding / 2
                text = String(repeating: fill, count: left) + text + String(repeating: fill, count: padding - left)
            case "=":
                if let first = text.first, first == "-" || first == "+" {
                    text = String(first) + String(repeating: fill, count: padding) + text.dropFirst()
                } else {
                    text = String(repeating: fill, count: padding) + text
                }
            default: text = String(repeating: fill, count: padding) + text
            }
        }
        return text
    }

    private static func group(_ number: String) -> String {
        var integer = number, fraction = ""
        if let dot = number.firstIndex(of: ".") { integer = String(number[..<dot]); fraction = String(number[dot...]) }
        var sign = ""
        if integer.hasPrefix("-") { sign = "-"; integer.removeFirst() }
        var groups: [String] = []
        while integer.count > 3 { groups.insert(String(integer.suffix(3)), at: 0); integer.removeLast(3) }
        groups.insert(integer, at: 0)
        return sign + groups.joined(separator: ",") + fraction
    }
}
