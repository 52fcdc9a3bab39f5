/// A parsed expression, with where it starts in the source.
final class Expr {
    enum Kind {
        case literal(Value)
        case name(String)
        case list([Expr])
        case tuple([Expr])
        case dict([(Expr, Expr)])
        case attribute(Expr, String)
        case item(Expr, Expr)
        case slice(Expr, Expr?, Expr?, Expr?)
        case call(Expr, [Expr], [(String, Expr)])
        case filter(Expr, String, [Expr], [(String, Expr)])
        case test(Expr, String, [Expr], negated: Bool)
        case unary(String, Expr)
        case not(Expr)
        case binary(String, Expr, Expr)
        case and(Expr, Expr)
        case or(Expr, Expr)
        case compare(Expr, [(String, Expr)])
        case concat([Expr])
        case conditional(condition: Expr, then: Expr, otherwise: Expr?)
    }

    let kind: Kind
    let location: SourceLocation

    init(_ kind: Kind, _ location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// Where an assignment goes: `x`, `a, b`, or `ns.attr`.
indirect enum AssignTarget {
    case name(String)
    case tuple([AssignTarget])
    case attribute(Expr, String)

    var names: [String] {
        switch self {
        case .name(let n): return [n]
        case .tuple(let t): return t.flatMap(\.names)
        case .attribute: return []
        }
    }
}

struct MacroDefinition {
    let name: String
    let parameters: [(String, Expr?)]
    let body: [Node]
    let location: SourceLocation
}

struct FilterCall {
    let name: String
    let arguments: [Expr]
    let keywords: [(String, Expr)]
    let location: SourceLocation
}

/// A parsed template statement.
indirect enum Node {
    case text(String)
    case output(Expr)
    case conditional([(Expr, [Node])], otherwise: [Node]?)
    case forLoop(target: AssignTarget, iterable: Expr, condition: Expr?, body: [Node], otherwise: [Node]?, recursive: Bool, location: SourceLocation)
    case assign(AssignTarget, Expr, SourceLocation)
    case assignBlock(AssignTarget, [FilterCall], [Node], SourceLocation)
    case macro(MacroDefinition)
    case callBlock(call: Expr, parameters: [(String, Expr?)], body: [Node], location: SourceLocation)
    case filterBlock([FilterCall], [Node])
    case expression(Expr)
    case with([(AssignTarget, Expr)], [Node])
}
