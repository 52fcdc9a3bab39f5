import Foundation

/// A value inside a template, with Python's semantics (Jinja evaluates Python objects).
/// Lists, dicts and objects are references, so `{% do xs.append(1) %}` mutates in place.
public enum Value: @unchecked Sendable {
    /// A name or attribute that does not exist; carries a hint for the error message.
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list(ListBox)
    case tuple([Value])
    case dict(DictBox)
    case function(Function)
    case object(ObjectBox)

    public static func list(_ items: [Value]) -> Value { .list(ListBox(items)) }
    public static func dict(_ pairs: [(String, Value)]) -> Value {
        let box = DictBox()
        for (key, value) in pairs { box.set(.string(key), value) }
        return .dict(box)
    }

    /// Marks an undefined that stays lenient in strict mode (Jinja's `cond_expr_undefined`).
    static let lenientMarker = "\u{1}lenient:"
    static func isLenient(_ reason: String) -> Bool { reason.hasPrefix(lenientMarker) }
    static func cleanReason(_ reason: String) -> String {
        isLenient(reason) ? String(reason.dropFirst(lenientMarker.count)) : reason
    }

    public var isUndefined: Bool { if case .undefined = self { return true } else { return false } }

    /// Python's `==`.
    public func isEqual(to other: Value) -> Bool { Operators.equal(self, other) }
    public var isNone: Bool { if case .none = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Python's truthiness. (Strict undefined is rejected by the evaluator before this is asked.)
    public var truthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return d.count > 0
        case .function, .object: return true
        }
    }

    /// Python's type name, for error messages.
    public var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .function: return "function"
        case .object(let o): return o.typeName
        }
    }

    /// Elements when iterated (`for x in v`); nil when not iterable. Dicts iterate their keys.
    public func iterationItems() -> [Value]? {
        switch self {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .dict(let d): return d.keys
        case .string(let s): return s.map { .string(String($0)) }
        case .undefined: return []
        case .object(let o): return o.iterable
        default: return nil
        }
    }
}

/// A mutable list shared by reference.
public final class ListBox {
    public var items: [Value]
    /// A Python set (from `set()`): compared without regard to order.
    public var isSet = false
    public init(_ items: [Value], isSet: Bool = false) { self.items = items; self.isSet = isSet }
}

/// A mutable, insertion-ordered dict shared by reference.
public final class DictBox {
    public private(set) var keys: [Value] = []
    public private(set) var values: [Value] = []
    private var index: [HashKey: Int] = [:]

    public init() {}

    public var count: Int { keys.count }

    public func get(_ key: Value) -> Value? {
        guard let hashKey = HashKey(key), let position = index[hashKey] else { return nil }
        return values[position]
    }

    public func get(_ key: String) -> Value? { get(.string(key)) }

    public func set(_ key: Value, _ value: Value) {
        guard let hashKey = HashKey(key) else { return }
        if let position = index[hashKey] {
            values[position] = value
        } else {
            index[hashKey] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    public func set(_ key: String, _ value: Value) { set(.string(key), value) }

    @discardableResult
    public func remove(_ key: Value) -> Value? {
        guard let hashKey = HashKey(key), let position = index[hashKey] else { return nil }
        let value = values[position]
        keys.remove(at: position)
        values.remove(at: position)
        index = [:]
        for (i, k) in keys.enumerated() { index[HashKey(k)!] = i }
        return value
    }

    public var pairs: [(Value, Value)] { Array(zip(keys, values)) }

    func copy() -> DictBox {
        let other = DictBox()
        for (k, v) in pairs { other.set(k, v) }
        return other
    }
}

/// Hashable form of the values Python allows as dict keys.
enum HashKey: Hashable {
    case none
    case int(Int)
    case double(Double)
    case string(String)
    case tuple([HashKey])
    case object(type: String, identity: String)

    init?(_ value: Value) {
        switch value {
        case .none: self = .none
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .double(let d): self = d == d.rounded() && abs(d) < 1e18 ? .int(Int(d)) : .double(d)
        case .string(let s): self = .string(s)
        case .tuple(let t):
            var keys: [HashKey] = []
            for item in t { guard let k = HashKey(item) else { return nil }; keys.append(k) }
            self = .tuple(keys)
        case .object(let box):
            guard let identity = box.identity else { return nil }
            self = .object(type: box.typeName, identity: identity)
        default: return nil
        }
    }
}

/// An object with attributes: `loop`, `namespace()`, a relation from `ref()`, `target`, … .
public final class ObjectBox {
    public let typeName: String
    public var attributes: [String: Value]
    /// How `{{ obj }}` prints; nil prints a Python-like placeholder.
    public var rendered: String?
    /// What `for x in obj` yields, when iterable.
    public var iterable: [Value]?
    /// Whether `{% set obj.attr = … %}` may assign (Jinja allows it on namespaces only).
    public let isNamespace: Bool
    /// What `obj(...)` does, for callable objects (a recursive `loop`, dbt's `this`-like helpers).
    public var callable: Function?
    /// Value identity for objects Python compares and hashes by value (a dbt Relation by its path):
    /// equal identities make equal objects, and an object with one can be a dict key or set member.
    public var identity: String?
    /// Whether `is mapping` holds (dbt's Relation is a mapping of its fields).
    public var isMapping = false

    public init(typeName: String, attributes: [String: Value] = [:], rendered: String? = nil,
                iterable: [Value]? = nil, isNamespace: Bool = false) {
        self.typeName = typeName
        self.attributes = attributes
        self.rendered = rendered
        self.iterable = iterable
        self.isNamespace = isNamespace
    }
}

/// Arguments of a call, positional and keyword, already evaluated.
public struct Arguments {
    public var positional: [Value]
    public var keyword: [(String, Value)]

    public init(_ positional: [Value] = [], keyword: [(String, Value)] = []) {
        self.positional = positional
        self.keyword = keyword
    }

    /// The argument at `position` or named `name`, else `fallback`.
    public func value(_ position: Int, _ name: String, default fallback: Value? = nil) -> Value? {
        if position < positional.count { return positional[position] }
        if let found = keyword.first(where: { $0.0 == name }) { return found.1 }
        return fallback
    }

    public func has(_ name: String) -> Bool { keyword.contains { $0.0 == name } }
}

/// A callable: a host function, a macro, a bound method, `caller`.
public final class Function {
    public let name: String
    let body: (Arguments, Evaluator) throws -> Value

    public init(name: String, _ body: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.body = { arguments, _ in try body(arguments) }
    }

    /// A host function that calls back into the template (a `caller()`, a macro it was given).
    public init(name: String, evaluatorBody: @escaping (Arguments, Evaluator) throws -> Value) {
        self.name = name
        self.body = evaluatorBody
    }

    /// Calls the function on behalf of a host function that was given `evaluator`.
    public func call(_ arguments: Arguments, _ evaluator: Evaluator) throws -> Value {
        try body(arguments, evaluator)
    }
}

/// Thrown by a host function to stop rendering with a message (dbt's `exceptions.raise_compiler_error`).
public struct HostError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - Building values from Swift and JSON

extension Value {
    /// Converts JSON-like Swift values (`String`, `Int`, `Double`, `Bool`, arrays, dictionaries, `NSNull`).
    public static func from(_ any: Any?) -> Value {
        switch any {
        case nil: return .none
        case let value as Value: return value
        case is NSNull: return .none
        case let value as Bool: return .bool(value)
        case let value as Int: return .int(value)
        case let value as Double: return .double(value)
        case let value as String: return .string(value)
        case let value as [Any]: return .list(value.map { from($0) })
        case let value as [String: Any]:
            let box = DictBox()
            for key in value.keys.sorted() { box.set(.string(key), from(value[key])) }
            return .dict(box)
        default: return .string("\(any!)")
        }
    }
}
