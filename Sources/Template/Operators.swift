import Foundation

/// Python's arithmetic, comparison and membership rules.
enum Operators {
    static func binary(_ op: String, _ left: Value, _ right: Value) throws -> Value {
        switch (left, right) {
        case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool):
            return try integer(op, left.intValue!, right.intValue!)
        case (.int, .double), (.double, .int), (.double, .double), (.bool, .double), (.double, .bool):
            return try floating(op, number(left), number(right))
        case (.string(let a), .string(let b)) where op == "+":
            return .string(a + b)
        case (.string(let a), _) where op == "%":
            return .string(try Formatting.percent(a, right))
        case (.string(let s), .int(let n)) where op == "*", (.int(let n), .string(let s)) where op == "*":
            return .string(n > 0 ? String(repeating: s, count: n) : "")
        case (.list(let a), .list(let b)) where op == "+":
            return .list(a.items + b.items)
        case (.tuple(let a), .tuple(let b)) where op == "+":
            return .tuple(a + b)
        case (.list(let a), .int(let n)) where op == "*":
            return .list(n > 0 ? Array(repeating: a.items, count: n).flatMap { $0 } : [])
        default:
            throw EvaluationError("unsupported operand type(s) for \(op): '\(left.typeName)' and '\(right.typeName)'")
        }
    }

    private static func number(_ value: Value) -> Double {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return .nan
        }
    }

    private static func integer(_ op: String, _ a: Int, _ b: Int) throws -> Value {
        func checked(_ result: (Int, Bool)) throws -> Value {
            if result.1 { throw EvaluationError("integer overflow in \(a) \(op) \(b)") }
            return .int(result.0)
        }
        switch op {
        case "+": return try checked(a.addingReportingOverflow(b))
        case "-": return try checked(a.subtractingReportingOverflow(b))
        case "*": return try checked(a.multipliedReportingOverflow(by: b))
        case "/":
            guard b != 0 else { throw EvaluationError("division by zero") }
            return .double(Double(a) / Double(b))
        case "//":
            guard b != 0 else { throw EvaluationError("integer division or modulo by zero") }
            return .int(floorDivide(a, b))
        case "%":
            guard b != 0 else { throw EvaluationError("integer division or modulo by zero") }
            return .int(a - floorDivide(a, b) * b)
        case "**":
            if b < 0 { return .double(pow(Double(a), Double(b))) }
            var result = 1, base = a, exponent = b
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: base)
                    if o { throw EvaluationError("integer overflow in \(a) ** \(b)") }
                    result = r
                }
                exponent >>= 1
                if exponent > 0 {
                    let (s, o) = base.multipliedReportingOverflow(by: base)
                    if o { throw EvaluationError("integer overflow in \(a) ** \(b)") }
                    base = s
                }
            }
            return .int(result)
        default: throw EvaluationError("unknown operator \(op)")
        }
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
    }

    private static func floating(_ op: String, _ a: Double, _ b: Double) throws -> Value {
        switch op {
        case "+": return .double(a + b)
        case "-": return .double(a - b)
        case "*": return .double(a * b)
        case "/":
            guard b != 0 else { throw EvaluationError("float division by zero") }
            return .double(a / b)
        case "//":
            guard b != 0 else { throw EvaluationError("float floor division by zero") }
            return .double((a / b).rounded(.down))
        case "%":
            guard b != 0 else { throw EvaluationError("float modulo") }
            let r = fmod(a, b)
            return .double(r != 0 && ((r < 0) != (b < 0)) ? r + b : r)
        case "**": return .double(pow(a, b))
        default: throw EvaluationError("unknown operator \(op)")
        }
    }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let x), .string(let y)): return x == y
        case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool): return a.intValue == b.intValue
        case (.double(let x), .double(let y)): return x == y
        case (.double(let x), .int), (.double(let x), .bool): return x == Double(b.intValue!)
        case (.int, .double(let y)), (.bool, .double(let y)): return Double(a.intValue!) == y
        case (.list(let x), .list(let y)):
            if x.isSet || y.isSet {
                return x.items.count == y.items.count && x.items.allSatisfy { item in y.items.contains { equal($0, item) } }
            }
            return x === y || sequenceEqual(x.items, y.items)
        case (.tuple(let x), .tuple(let y)): return sequenceEqual(x, y)
        case (.dict(let x), .dict(let y)):
            guard x.count == y.count else { return false }
            return x.pairs.allSatisfy { pair in y.get(pair.0).map { equal($0, pair.1) } ?? false }
        case (.object(let x), .object(let y)):
            if let a = x.identity, let b = y.identity { return x.typeName == y.typeName && a == b }
            return x === y
        case (.function(let x), .function(let y)): return x === y
        default: return false
        }
    }

    private static func sequenceEqual(_ a: [Value], _ b: [Value]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
    }

    /// -1, 0, 1 for `<`-style comparisons; raises for types Python cannot order.
    static func order(_ a: Value, _ b: Value, _ op: String) throws -> Int {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            // Python compares code points.
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : (x == y ? 0 : 1)
        case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool):
            let x = a.intValue!, y = b.intValue!
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.int, .double), (.double, .int), (.double, .double), (.bool, .double), (.double, .bool):
            let x = a.asDouble!, y = b.asDouble!
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.list(let x), .list(let y)): return try sequenceOrder(x.items, y.items, op)
        case (.tuple(let x), .tuple(let y)): return try sequenceOrder(x, y, op)
        default:
            throw EvaluationError("'\(op)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    private static func sequenceOrder(_ a: [Value], _ b: [Value], _ op: String) throws -> Int {
        for (x, y) in zip(a, b) where !equal(x, y) { return try order(x, y, op) }
        return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
    }

    /// `needle in haystack`.
    static func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
        switch haystack {
        case .string(let s):
            guard case .string(let n) = needle else {
                throw EvaluationError("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return n.isEmpty || s.contains(n)
        case .list(let l): return l.items.contains { equal($0, needle) }
        case .tuple(let t): return t.contains { equal($0, needle) }
        case .dict(let d): return d.get(needle) != nil
        case .undefined: return false
        case .object(let o): return o.iterable?.contains { equal($0, needle) } ?? false
        default: throw EvaluationError("argument of type '\(haystack.typeName)' is not iterable")
        }
    }
}

extension Value {
    var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}
