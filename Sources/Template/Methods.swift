import Foundation

/// The string, list and dict methods dbt projects call (`.upper()`, `.split()`, `.append()`, `.items()`, …).
enum Methods {
    static func string(_ s: String, _ name: String) -> Function? {
        let method: ((Arguments) throws -> Value)?
        switch name {
        case "upper": method = { _ in .string(s.uppercased()) }
        case "lower": method = { _ in .string(s.lowercased()) }
        case "strip": method = { a in .string(strip(s, a.positional.first, left: true, right: true)) }
        case "lstrip": method = { a in .string(strip(s, a.positional.first, left: true, right: false)) }
        case "rstrip": method = { a in .string(strip(s, a.positional.first, left: false, right: true)) }
        case "split": method = { a in try split(s, a) }
        case "rsplit": method = { a in try split(s, a) }
        case "splitlines": method = { _ in .list(s.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { .string(String($0)) }.dropLastEmpty()) }
        case "replace": method = { a in
            guard let old = a.value(0, "old")?.stringValue, let new = a.value(1, "new")?.stringValue else {
                throw EvaluationError("replace() takes two string arguments")
            }
            return .string(replace(s, old, new, count: a.value(2, "count")?.intValue ?? -1))
        }
        case "startswith", "endswith": method = { a in
            let candidates: [Value]
            switch a.positional.first {
            case .tuple(let t)?: candidates = t
            case .list(let l)?: candidates = l.items
            case let v?: candidates = [v]
            case nil: throw EvaluationError("\(name)() takes at least 1 argument")
            }
            return .bool(candidates.contains { c in
                guard let text = c.stringValue else { return false }
                return name == "startswith" ? s.hasPrefix(text) : s.hasSuffix(text)
            })
        }
        case "join": method = { a in
            guard let items = a.positional.first?.iterationItems() else { throw EvaluationError("join() takes an iterable") }
            return .string(try items.map { item -> String in
                guard case .string(let text) = item else { throw EvaluationError("sequence item: expected str instance, \(item.typeName) found") }
                return text
            }.joined(separator: s))
        }
        case "format": method = { a in .string(try Formatting.format(s, a)) }
        case "title": method = { _ in .string(Filters.title(s)) }
        case "capitalize": method = { _ in .string(Filters.capitalize(s)) }
        case "find": method = { a in
            guard let needle = a.positional.first?.stringValue else { throw EvaluationError("find() takes a string") }
            guard let range = s.range(of: needle) else { return .int(-1) }
            return .int(s.distance(from: s.startIndex, to: range.lowerBound))
        }
        case "count": method = { a in
            guard let needle = a.positional.first?.stringValue, !needle.isEmpty else { return .int(s.count + 1) }
            return .int(s.components(separatedBy: needle).count - 1)
        }
        case "isdigit": method = { _ in .bool(!s.isEmpty && s.allSatisfy { $0.isNumber && $0.isASCII }) }
        case "isalpha": method = { _ in .bool(!s.isEmpty && s.allSatisfy(\.isLetter)) }
        case "isalnum": method = { _ in .bool(!s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber }) }
        case "isupper": method = { _ in .bool(s.contains(where: \.isLetter) && s == s.uppercased()) }
        case "islower": method = { _ in .bool(s.contains(where: \.isLetter) && s == s.lowercased()) }
        case "isspace": method = { _ in .bool(!s.isEmpty && s.allSatisfy(\.isWhitespace)) }
        case "zfill": method = { a in
            let width = a.positional.first?.intValue ?? 0
            guard s.count < width else { return .string(s) }
            if let first = s.first, first == "-" || first == "+" {
                return .string(String(first) + String(repeating: "0", count: width - s.count) + s.dropFirst())
            }
            return .string(String(repeating: "0", count: width - s.count) + s)
        }
        case "ljust", "rjust", "center": method = { a in
            let width = a.positional.first?.intValue ?? 0
            let fill = a.value(1, "fillchar")?.stringValue ?? " "
            guard s.count < width else { return .string(s) }
            let padding = width - s.count
            switch name {
            case "ljust": return .string(s + String(repeating: fill, count: padding))
            case "rjust": return .string(String(repeating: fill, count: padding) + s)
            default:
                let left = padding / 2 + (padding & width & 1)
                return .string(String(repeating: fill, count: left) + s + String(repeating: fill, count: padding - left))
            }
        }
        default: method = nil
        }
        return method.map { Function(name: name, $0) }
    }

    static func list(_ box: ListBox, _ name: String) -> Function? {
        let method: ((Arguments) throws -> Value)?
        switch name {
        case "append": method = { a in
            guard let item = a.positional.first else { throw EvaluationError("append() takes exactly one argument") }
            box.items.append(item)
            return .none
        }
        case "extend": method = { a in
            guard let items = a.positional.first?.iterationItems() else { throw EvaluationError("extend() takes an iterable") }
            box.items.append(contentsOf: items)
            return .none
        }
        case "insert": method = { a in
            guard let position = a.positional.first?.intValue, a.positional.count == 2 else { throw EvaluationError("insert() takes an index and a value") }
            let index = position < 0 ? max(0, box.items.count + position) : min(position, box.items.count)
            box.items.insert(a.positional[1], at: index)
            return .none
        }
        case "pop": method = { a in
            guard !box.items.isEmpty else { throw EvaluationError("pop from empty list") }
            let position = a.positional.first?.intValue ?? -1
            let index = position < 0 ? box.items.count + position : position
            guard index >= 0 && index < box.items.count else { throw EvaluationError("pop index out of range") }
            return box.items.remove(at: index)
        }
        case "remove": method = { a in
            guard let item = a.positional.first, let index = box.items.firstIndex(where: { Operators.equal($0, item) }) else {
                throw EvaluationError("list.remove(x): x not in list")
            }
            box.items.remove(at: index)
            return .none
        }
        case "index": method = { a in
            guard let item = a.positional.first, let index = box.items.firstIndex(where: { Operators.equal($0, item) }) else {
                throw EvaluationError("value is not in list")
            }
            return .int(index)
        }
        case "count": method = { a in
            guard let item = a.positional.first else { return .int(0) }
            return .int(box.items.filter { Operators.equal($0, item) }.count)
        }
        case "reverse": method = { _ in box.items.reverse(); return .none }
        case "copy": method = { _ in .list(box.items) }
        default: method = nil
        }
        return method.map { Function(name: name, $0) }
    }

    static func dict(_ box: DictBox, _ name: String) -> Function? {
        let method: ((Arguments) throws -> Value)?
        switch name {
        case "items": method = { _ in .list(box.pairs.map { .tuple([$0.0, $0.1]) }) }
        case "keys": method = { _ in .list(box.keys) }
        case "values": method = { _ in .list(box.values) }
        case "get": method = { a in
            guard let key = a.positional.first else { throw EvaluationError("get() takes at least 1 argument") }
            return box.get(key) ?? (a.value(1, "default") ?? .none)
        }
        case "update": method = { a in
            if case .dict(let other)? = a.positional.first { for (k, v) in other.pairs { box.set(k, v) } }
            for (k, v) in a.keyword { box.set(.string(k), v) }
            return .none
        }
        case "pop": method = { a in
            guard let key = a.positional.first else { throw EvaluationError("pop() takes at least 1 argument") }
            if let value = box.remove(key) { return value }
            if a.positional.count > 1 { return a.positional[1] }
            throw EvaluationError("KeyError: \(PythonFormatting.repr(key))")
        }
        case "setdefault": method = { a in
            guard let key = a.positional.first else { throw EvaluationError("setdefault() takes at least 1 argument") }
            if let value = box.get(key) { return value }
            let value = a.positional.count > 1 ? a.positional[1] : .none
            box.set(key, value)
            return value
        }
        case "copy": method = { _ in .dict(box.copy()) }
        default: method = nil
        }
        return method.map { Function(name: name, $0) }
    }

    // MARK: - Helpers

    static func strip(_ s: String, _ chars: Value?, left: Bool, right: Bool) -> String {
        let set: (Character) -> Bool
        if let chars = chars?.stringValue {
            set = { chars.contains($0) }
        } else {
            set = { $0.isWhitespace }
        }
        var text = Substring(s)
        if left { text = text.drop(while: set) }
        if right { while let last = text.last, set(last) { text = text.dropLast() } }
        return String(text)
    }

    static func split(_ s: String, _ a: Arguments) throws -> Value {
        let separator = a.value(0, "sep")
        let maxSplit = a.value(1, "maxsplit")?.intValue ?? -1
        if separator == nil || separator!.isNone {
            let parts = s.split(maxSplits: maxSplit < 0 ? Int.max : maxSplit, omittingEmptySubsequences: true, whereSeparator: \.isWhitespace)
            var result = parts.map { String($0) }
            if maxSplit >= 0, result.count > maxSplit, let last = result.last {
                result[result.count - 1] = strip(last, nil, left: true, right: false)
            }
            return .list(result.map { .string($0) })
        }
        guard let sep = separator?.stringValue, !sep.isEmpty else { throw EvaluationError("empty separator") }
        var parts: [String] = []
        var rest = Substring(s)
        while maxSplit < 0 || parts.count < maxSplit, let range = rest.range(of: sep) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return .list(parts.map { .string($0) })
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if count < 0 {
            if old.isEmpty { return new + s.map { String($0) + new }.joined() }
            return s.replacingOccurrences(of: old, with: new)
        }
        var result = ""
        var rest = Substring(s)
        var done = 0
        while done < count, !old.isEmpty, let range = rest.range(of: old) {
            result += rest[..<range.lowerBound] + new
            rest = rest[range.upperBound...]
            done += 1
        }
        return result + rest
    }
}

private extension Array where Element == Value {
    func dropLastEmpty() -> [Value] {
        if let last, case .string(let s) = last, s.isEmpty { return Array(dropLast()) }
        return self
    }
}
