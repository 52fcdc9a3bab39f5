import Foundation

/// Attribute and item lookup with Jinja's rules: `a.b` tries the attribute (methods) first, then
/// the item; `a['b']` tries the item first. Missing ones are undefined, not errors.
enum Attributes {
    static func get(_ object: Value, _ name: String, evaluator: Evaluator?) throws -> Value {
        switch object {
        case .undefined(let reason):
            throw EvaluationError(reason.hasSuffix("is undefined") ? "\(reason) (while looking up '.\(name)')" : reason)
        case .dict(let d):
            if let method = Methods.dict(d, name) { return .function(method) }
            return d.get(name) ?? .undefined("'dict object' has no attribute '\(name)'")
        case .string(let s):
            if let method = Methods.string(s, name) { return .function(method) }
        case .list(let l):
            if let method = Methods.list(l, name) { return .function(method) }
        case .object(let o):
            if let value = o.attributes[name] { return value }
            return .undefined("'\(o.typeName)' object has no attribute '\(name)'")
        default: break
        }
        return .undefined("'\(object.typeName) object' has no attribute '\(name)'")
    }

    static func item(_ object: Value, _ key: Value, evaluator: Evaluator?) throws -> Value {
        switch (object, key) {
        case (.undefined(let reason), _):
            throw EvaluationError(reason)
        case (.dict(let d), _):
            if let value = d.get(key) { return value }
            if case .string(let name) = key, let method = Methods.dict(d, name) { return .function(method) }
            return .undefined("'dict object' has no attribute \(PythonFormatting.repr(key))")
        case (.list(let l), .int(let i)):
            return index(l.items, i) ?? .undefined("list index out of range")
        case (.tuple(let t), .int(let i)):
            return index(t, i) ?? .undefined("tuple index out of range")
        case (.object(let o), .int(let i)) where o.iterable != nil:
            // A sequence object (an agate table's rows and columns in dbt) indexes like a list.
            return index(o.iterable!, i) ?? .undefined("index out of range")
        case (.string(let s), .int(let i)):
            let characters = Array(s)
            let position = i < 0 ? characters.count + i : i
            return position >= 0 && position < characters.count ? .string(String(characters[position])) : .undefined("string index out of range")
        case (_, .string(let name)):
            return try get(object, name, evaluator: evaluator)
        default:
            return .undefined("'\(object.typeName) object' has no item \(PythonFormatting.repr(key))")
        }
    }

    private static func index(_ items: [Value], _ i: Int) -> Value? {
        let position = i < 0 ? items.count + i : i
        return position >= 0 && position < items.count ? items[position] : nil
    }

    static func slice(_ object: Value, _ start: Value?, _ stop: Value?, _ step: Value?) throws -> Value {
        func bound(_ value: Value?) throws -> Int? {
            guard let value, !value.isNone else { return nil }
            guard let i = value.intValue else { throw EvaluationError("slice indices must be integers or None") }
            return i
        }
        let stepValue = try bound(step) ?? 1
        guard stepValue != 0 else { throw EvaluationError("slice step cannot be zero") }
        func pick<T>(_ items: [T]) throws -> [T] {
            let count = items.count
            func clamp(_ i: Int?, _ fallback: Int) -> Int {
                guard var i else { return fallback }
                if i < 0 { i += count }
                return stepValue > 0 ? min(max(i, 0), count) : min(max(i, -1), count - 1)
            }
            var result: [T] = []
            if stepValue > 0 {
                var i = clamp(try bound(start), 0)
                let end = clamp(try bound(stop), count)
                while i < end { result.append(items[i]); i += stepValue }
            } else {
                var i = clamp(try bound(start), count - 1)
                let end = clamp(try bound(stop), -1)
                while i > end { result.append(items[i]); i += stepValue }
            }
            return result
        }
        switch object {
        case .list(let l): return .list(try pick(l.items))
        case .tuple(let t): return .tuple(try pick(t))
        case .string(let s): return .string(String(try pick(Array(s))))
        case .undefined(let reason): throw EvaluationError(reason)
        default: throw EvaluationError("'\(object.typeName)' object is not subscriptable")
        }
    }
}
