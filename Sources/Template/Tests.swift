/// Jinja's `is` tests.
enum Tests {
    static func run(_ name: String, _ value: Value, _ args: [Value], frame: Frame?, evaluator: Evaluator) throws -> Bool {
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        default: break
        }
        if evaluator.strictUndefined, case .undefined(let reason) = value { throw EvaluationError(reason) }
        func argument(_ i: Int) throws -> Value {
            guard i < args.count else { throw EvaluationError("test '\(name)' needs an argument") }
            return args[i]
        }
        switch name {
        case "string": if case .string = value { return true } else { return false }
        case "number":
            switch value { case .int, .double, .bool: return true; default: return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "mapping":
            switch value {
            case .dict: return true
            case .object(let o): return o.isMapping
            default: return false
            }
        case "iterable": return value.iterationItems() != nil && !value.isUndefined
        case "sequence":
            switch value { case .string, .list, .tuple, .dict: return true; default: return false }
        case "callable":
            switch value {
            case .function: return true
            case .object(let o): return o.callable != nil
            default: return false
            }
        case "odd", "even":
            guard let i = value.intValue else { throw EvaluationError("test '\(name)' needs an integer") }
            return (i % 2 != 0) == (name == "odd")
        case "divisibleby":
            guard let i = value.intValue, let d = try argument(0).intValue, d != 0 else { throw EvaluationError("divisibleby needs integers") }
            return i % d == 0
        case "lower": return value.stringValue.map { $0 == $0.lowercased() } ?? false
        case "upper": return value.stringValue.map { $0 == $0.uppercased() } ?? false
        case "sameas":
            let other = try argument(0)
            switch (value, other) {
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.list(let a), .list(let b)): return a === b
            case (.dict(let a), .dict(let b)): return a === b
            case (.object(let a), .object(let b)): return a === b
            default: return false
            }
        case "escaped": return false
        case "in": return try Operators.contains(try argument(0), value)
        case "eq", "==", "equalto": return Operators.equal(value, try argument(0))
        case "ne", "!=": return !Operators.equal(value, try argument(0))
        case "lt", "<", "lessthan": return try Operators.order(value, try argument(0), "<") < 0
        case "le", "<=": return try Operators.order(value, try argument(0), "<=") <= 0
        case "gt", ">", "greaterthan": return try Operators.order(value, try argument(0), ">") > 0
        case "ge", ">=": return try Operators.order(value, try argument(0), ">=") >= 0
        default: throw EvaluationError("no test named '\(name)'")
        }
    }
}
