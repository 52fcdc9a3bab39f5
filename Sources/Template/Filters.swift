import Foundation

/// Jinja's built-in filters (and dbt's `as_*` filters), with Jinja's argument names and defaults.
enum Filters {
    static func apply(_ name: String, _ value: Value, _ a: Arguments, evaluator: Evaluator) throws -> Value {
        // Filters that accept undefined values; every other filter needs a defined value.
        switch name {
        case "default", "d":
            let fallback = a.value(0, "default_value") ?? .string("")
            let boolean = a.value(1, "boolean")?.truthy ?? false
            if value.isUndefined || (boolean && !value.truthy) { return fallback }
            return value
        default: break
        }
        if case .undefined(let reason) = value, evaluator.strictUndefined || !lenientFilters.contains(name) {
            throw EvaluationError(reason)
        }
        switch name {
        case "lower": return .string(str(value).lowercased())
        case "groupby":
            // Jinja's groupby: (grouper, list) pairs sorted by the key, each also `.grouper` / `.list`.
            guard let attribute = a.value(0, "attribute") else { throw EvaluationError("groupby needs an attribute") }
            var groups: [(Value, [Value])] = []
            for item in try sequence(value) {
                let key = try lookup(item, attribute, evaluator)
                if let index = groups.firstIndex(where: { Operators.equal($0.0, key) }) { groups[index].1.append(item) } else { groups.append((key, [item])) }
            }
            let sorted = try groups.sorted { try Operators.order($0.0, $1.0, "<") < 0 }
            return .list(sorted.map { key, items in
                .object(ObjectBox(typeName: "_GroupTuple", attributes: ["grouper": key, "list": .list(items)], iterable: [key, .list(items)]))
            })
        case "slice":
            // Jinja's slice: `slices` columns, the first ones one longer when the items do not divide.
            let items = try sequence(value)
            guard let count = a.value(0, "slices")?.intValue, count > 0 else { throw EvaluationError("slice needs a positive number of slices") }
            let fill = a.value(1, "fill_with")
            let per = items.count / count, extra = items.count % count
            var start = 0
            return .list((0..<count).map { index in
                let length = per + (index < extra ? 1 : 0)
                var part = Array(items[start..<start + length])
                start += length
                if let fill, extra > 0, index >= extra { part.append(fill) }
                return .list(part)
            })
        case "urlencode":
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~/")
            return .string(str(value).addingPercentEncoding(withAllowedCharacters: allowed) ?? str(value))
        case "striptags":
            let stripped = str(value).replacingOccurrences(of: "<!--.*?-->|<[^>]*>", with: "", options: .regularExpression)
            return .string(stripped.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " "))
        case "pprint": return .string(PythonFormatting.repr(value))
        case "upper": return .string(str(value).uppercased())
        case "capitalize": return .string(capitalize(str(value)))
        case "title": return .string(title(str(value)))
        case "trim": return .string(Methods.strip(str(value), a.value(0, "chars"), left: true, right: true))
        case "replace":
            guard let old = a.value(0, "old"), let new = a.value(1, "new") else { throw EvaluationError("replace needs 'old' and 'new'") }
            return .string(Methods.replace(str(value), str(old), str(new), count: a.value(2, "count")?.intValue ?? -1))
        case "join":
            var items = try sequence(value)
            if let attribute = a.value(1, "attribute") { items = try items.map { try lookup($0, attribute, evaluator) } }
            return .string(items.map { str($0) }.joined(separator: str(a.value(0, "d") ?? .string(""))))
        case "length", "count": return .int(try length(value))
        case "first": return try sequence(value).first ?? .undefined("No first item, sequence was empty.")
        case "last": return try sequence(value).last ?? .undefined("No last item, sequence was empty.")
        case "list": return .list(try sequence(value))
        case "reverse":
            if case .string(let s) = value { return .string(String(s.reversed())) }
            return .list(try sequence(value).reversed())
        case "int": return toInt(value, fallback: a.value(0, "default") ?? .int(0), base: a.value(1, "base")?.intValue ?? 10)
        case "float": return toFloat(value, fallback: a.value(0, "default") ?? .double(0))
        case "string", "as_text": return .string(str(value))
        case "as_bool": return value.stringValue.map { .bool($0.lowercased() == "true") } ?? value
        case "as_number": return value.stringValue.map { toFloatOrInt($0) } ?? value
        case "as_native": return value
        case "safe": return value
        case "escape", "e": return .string(escapeHTML(str(value)))
        case "round": return try round(value, precision: a.value(0, "precision")?.intValue ?? 0, method: a.value(1, "method")?.stringValue ?? "common")
        case "abs":
            switch value {
            case .int(let i): return .int(abs(i))
            case .double(let d): return .double(abs(d))
            case .bool(let b): return .int(b ? 1 : 0)
            default: throw EvaluationError("bad operand type for abs(): '\(value.typeName)'")
            }
        case "unique": return .list(try unique(try sequence(value), caseSensitive: a.value(0, "case_sensitive")?.truthy ?? false,
                                               attribute: a.value(1, "attribute"), evaluator))
        case "sort": return .list(try sort(try sequence(value), reverse: a.value(0, "reverse")?.truthy ?? false,
                                           caseSensitive: a.value(1, "case_sensitive")?.truthy ?? false,
                                           attribute: a.value(2, "attribute"), evaluator))
        // Jinja's map, select and reject start with `if value:`, so none or an empty value gives nothing.
        case "select", "reject": return .list(try select(try lazySequence(value), a, keep: name == "select", attribute: nil, evaluator))
        case "selectattr", "rejectattr":
            guard let attribute = a.positional.first else { throw EvaluationError("\(name) needs an attribute name") }
            return .list(try select(try lazySequence(value), Arguments(Array(a.positional.dropFirst()), keyword: a.keyword),
                                    keep: name == "selectattr", attribute: attribute, evaluator))
        case "map": return .list(try map(try lazySequence(value), a, evaluator))
        case "sum":
            var total: Value = a.value(1, "start") ?? .int(0)
            for item in try sequence(value) {
                let addend = try a.value(0, "attribute").map { try lookup(item, $0, evaluator) } ?? item
                total = try Operators.binary("+", total, addend)
            }
            return total
        case "min", "max":
            let items = try sequence(value)
            guard var best = items.first else { return .undefined("No aggregated item, sequence was empty.") }
            let caseSensitive = a.value(0, "case_sensitive")?.truthy ?? false
            for item in items.dropFirst() {
                let order = try Operators.order(sortKey(item, caseSensitive), sortKey(best, caseSensitive), "<")
                if (name == "min" && order < 0) || (name == "max" && order > 0) { best = item }
            }
            return best
        case "tojson": return .string(try JSON.dumps(value, indent: a.value(0, "indent")?.intValue, sortKeys: true, htmlSafe: true))
        case "indent": return .string(indent(str(value), width: a.value(0, "width") ?? .int(4),
                                             first: a.value(1, "first")?.truthy ?? false, blank: a.value(2, "blank")?.truthy ?? false))
        case "format":
            let args: Value = a.keyword.isEmpty ? .tuple(a.positional) : .dict(a.keyword)
            return .string(try Formatting.percent(str(value), args))
        case "center":
            let width = a.value(0, "width")?.intValue ?? 80
            let text = str(value)
            guard text.count < width else { return .string(text) }
            let padding = width - text.count, left = padding / 2 + (padding & width & 1)
            return .string(String(repeating: " ", count: left) + text + String(repeating: " ", count: padding - left))
        case "wordcount": return .int(str(value).split(whereSeparator: { $0.isWhitespace }).count)
        case "truncate":
            let text = str(value)
            let length = a.value(0, "length")?.intValue ?? 255
            let end = a.value(2, "end")?.stringValue ?? "..."
            let leeway = a.value(3, "leeway")?.intValue ?? 5
            if text.count <= length + leeway { return .string(text) }
            if a.value(1, "killwords")?.truthy ?? false { return .string(String(text.prefix(length - end.count)) + end) }
            var cut = String(text.prefix(length - end.count))
            if let space = cut.lastIndex(of: " ") { cut = String(cut[..<space]) }
            return .string(cut + end)
        case "items":
            guard case .dict(let d) = value else { throw EvaluationError("items filter needs a mapping") }
            return .list(d.pairs.map { .tuple([$0.0, $0.1]) })
        case "dictsort":
            guard case .dict(let d) = value else { throw EvaluationError("dictsort needs a mapping") }
            let byValue = a.value(1, "by")?.stringValue == "value"
            let caseSensitive = a.value(0, "case_sensitive")?.truthy ?? false
            var pairs = d.pairs
            try pairs.sort { try Operators.order(sortKey(byValue ? $0.1 : $0.0, caseSensitive), sortKey(byValue ? $1.1 : $1.0, caseSensitive), "<") < 0 }
            if a.value(2, "reverse")?.truthy ?? false { pairs.reverse() }
            return .list(pairs.map { .tuple([$0.0, $0.1]) })
        case "attr":
            guard let attribute = a.positional.first?.stringValue else { throw EvaluationError("attr needs a name") }
            return try Attributes.get(value, attribute, evaluator: evaluator)
        case "batch":
            let size = max(1, a.value(0, "linecount")?.intValue ?? 1)
            let items = try sequence(value)
            return .list(stride(from: 0, to: items.count, by: size).map { .list(Array(items[$0..<min($0 + size, items.count)])) })
        default:
            throw EvaluationError("no filter named '\(name)'")
        }
    }

    /// Filters plain Jinja lets run on an undefined value (it behaves like an empty string or list).
    private static let lenientFilters: Set<String> = ["lower", "upper", "trim", "string", "length", "count", "list",
                                                       "join", "capitalize", "title", "replace", "escape", "e", "safe",
                                                       "indent", "center", "wordcount", "as_text"]

    static func str(_ value: Value) -> String { PythonFormatting.str(value) }

    static func lazySequence(_ value: Value) throws -> [Value] {
        if case .undefined = value { return try sequence(value) }
        return value.truthy ? try sequence(value) : []
    }

    static func sequence(_ value: Value) throws -> [Value] {
        guard let items = value.iterationItems() else { throw EvaluationError("'\(value.typeName)' object is not iterable") }
        return items
    }

    static func length(_ value: Value) throws -> Int {
        switch value {
        case .string(let s): return s.count
        case .list(let l): return l.items.count
        case .tuple(let t): return t.count
        case .dict(let d): return d.count
        case .undefined: return 0
        case .object(let o) where o.iterable != nil: return o.iterable!.count
        default: throw EvaluationError("object of type '\(value.typeName)' has no len()")
        }
    }

    static func capitalize(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst().lowercased()
    }

    /// Jinja's `title`: each word's first letter upper, the rest lower; words split at spaces and brackets.
    static func title(_ s: String) -> String {
        var output = ""
        var atWordStart = true
        for c in s {
            if c.isWhitespace || "-([{<".contains(c) {
                output.append(c)
                atWordStart = true
            } else {
                output += atWordStart ? c.uppercased() : c.lowercased()
                atWordStart = false
            }
        }
        return output
    }

    static func escapeHTML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&#34;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    static func toInt(_ value: Value, fallback: Value, base: Int) -> Value {
        switch value {
        case .int: return value
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d): return d.isFinite ? .int(Int(d.rounded(.towardZero))) : fallback
        case .string(let s):
            let text = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
            if let i = Int(text, radix: base) { return .int(i) }
            if base == 10, let d = Double(text), d.isFinite { return .int(Int(d.rounded(.towardZero))) }
            return fallback
        default: return fallback
        }
    }

    static func toFloat(_ value: Value, fallback: Value) -> Value {
        switch value {
        case .double: return value
        case .int(let i): return .double(Double(i))
        case .bool(let b): return .double(b ? 1 : 0)
        case .string(let s):
            let text = s.trimmingCharacters(in: .whitespaces)
            if let d = Double(text) { return .double(d) }
            switch text.lowercased() {
            case "inf", "+inf", "infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            case "nan": return .double(.nan)
            default: return fallback
            }
        default: return fallback
        }
    }

    static func toFloatOrInt(_ s: String) -> Value {
        if let i = Int(s) { return .int(i) }
        if let d = Double(s) { return .double(d) }
        return .string(s)
    }

    /// Python's `round(x, n)` (ties to even on the exact binary value) or `math.ceil`/`floor`.
    static func round(_ value: Value, precision: Int, method: String) throws -> Value {
        guard let number = value.asDouble else { throw EvaluationError("round needs a number, not \(value.typeName)") }
        switch method {
        case "common":
            if case .int = value, precision >= 0 { return value }  // Python: round(3, 0) is the int 3
            guard number.isFinite else { return .double(number) }
            let text = String(format: "%.\(max(precision, 0))f", number)  // glibc rounds the exact value, ties to even
            return .double(Double(text) ?? number)
        case "ceil", "floor":
            let scale = pow(10.0, Double(precision))
            let scaled = number * scale
            return .double((method == "ceil" ? scaled.rounded(.up) : scaled.rounded(.down)) / scale)
        default:
            throw EvaluationError("method must be common, ceil or floor")
        }
    }

    static func sortKey(_ value: Value, _ caseSensitive: Bool) -> Value {
        if !caseSensitive, case .string(let s) = value { return .string(s.lowercased()) }
        return value
    }

    static func lookup(_ item: Value, _ attribute: Value, _ evaluator: Evaluator) throws -> Value {
        if let position = attribute.intValue, case .int = attribute { return try Attributes.item(item, .int(position), evaluator: evaluator) }
        var current = item
        for part in str(attribute).split(separator: ".") {
            if let index = Int(part) {
                current = try Attributes.item(current, .int(index), evaluator: evaluator)
            } else {
                current = try Attributes.item(current, .string(String(part)), evaluator: evaluator)
            }
        }
        return current
    }

    static func unique(_ items: [Value], caseSensitive: Bool, attribute: Value?, _ evaluator: Evaluator) throws -> [Value] {
        var seen: [Value] = []
        var result: [Value] = []
        for item in items {
            let key = sortKey(try attribute.map { try lookup(item, $0, evaluator) } ?? item, caseSensitive)
            if !seen.contains(where: { Operators.equal($0, key) }) {
                seen.append(key)
                result.append(item)
            }
        }
        return result
    }

    static func sort(_ items: [Value], reverse: Bool, caseSensitive: Bool, attribute: Value?, _ evaluator: Evaluator) throws -> [Value] {
        let keyed = try items.map { item -> (Value, Value) in
            let key = try attribute.map { try lookup(item, $0, evaluator) } ?? item
            return (sortKey(key, caseSensitive), item)
        }
        // Stable merge sort with a throwing comparison, like Python's sorted().
        var error: Error?
        let sorted = keyed.enumerated().sorted { lhs, rhs in
            do {
                let order = try Operators.order(lhs.element.0, rhs.element.0, "<")
                if order == 0 { return lhs.offset < rhs.offset }
                return reverse ? order > 0 : order < 0
            } catch let e {
                error = e
                return false
            }
        }
        if let error { throw error }
        return sorted.map(\.element.1)
    }

    static func select(_ items: [Value], _ a: Arguments, keep: Bool, attribute: Value?, _ evaluator: Evaluator) throws -> [Value] {
        let testName = a.positional.first?.stringValue
        let testArguments = Array(a.positional.dropFirst())
        return try items.filter { item in
            let subject = try attribute.map { try lookup(item, $0, evaluator) } ?? item
            let passed = try testName.map { try Tests.run($0, subject, testArguments, frame: nil, evaluator: evaluator) } ?? subject.truthy
            return passed == keep
        }
    }

    static func map(_ items: [Value], _ a: Arguments, _ evaluator: Evaluator) throws -> [Value] {
        if let attribute = a.keyword.first(where: { $0.0 == "attribute" })?.1 {
            let fallback = a.keyword.first(where: { $0.0 == "default" })?.1
            return try items.map { item in
                let found = try lookup(item, attribute, evaluator)
                if found.isUndefined, let fallback { return fallback }
                return found
            }
        }
        guard let filterName = a.positional.first?.stringValue else { throw EvaluationError("map needs a filter name or attribute=") }
        let rest = Arguments(Array(a.positional.dropFirst()), keyword: a.keyword)
        return try items.map { try apply(filterName, $0, rest, evaluator: evaluator) }
    }

    /// Jinja 3's `indent`.
    static func indent(_ text: String, width: Value, first: Bool, blank: Bool) -> String {
        let indention: String
        if case .string(let s) = width { indention = s } else { indention = String(repeating: " ", count: width.intValue ?? 4) }
        let source = text + "\n"
        var lines = pythonSplitLines(source)
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indention)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : indention + $0 }.joined(separator: "\n")
            }
        }
        if first { result = indention + result }
        return result
    }

    /// Python's `str.splitlines()` for \n, \r\n and \r.
    static func pythonSplitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var iterator = Array(text.unicodeScalars)
        var i = 0
        while i < iterator.count {
            let c = iterator[i]
            if c == "\n" || c == "\r" {
                lines.append(current)
                current = ""
                if c == "\r" && i + 1 < iterator.count && iterator[i + 1] == "\n" { i += 1 }
            } else {
                current.unicodeScalars.append(c)
            }
            i += 1
        }
        if !current.isEmpty { lines.append(current) }
        iterator.removeAll()
        return lines
    }
}
