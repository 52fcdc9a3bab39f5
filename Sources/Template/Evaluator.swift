import Foundation

/// Variables visible at one level: the template, a loop body, a macro call. Lookups walk outward.
final class Frame {
    var variables: [String: Value]
    let parent: Frame?

    init(_ variables: [String: Value] = [:], parent: Frame?) {
        self.variables = variables
        self.parent = parent
    }

    func lookup(_ name: String) -> Value? {
        var frame: Frame? = self
        while let current = frame {
            if let value = current.variables[name] { return value }
            frame = current.parent
        }
        return nil
    }
}

/// The source a node came from, so errors inside macros point into the macro's file.
final class SourceFile {
    let name: String
    let bytes: [UInt8]
    init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }

    func templateError(_ error: EvaluationError) -> TemplateError {
        let location = error.location ?? .unknown
        return TemplateError(file: name, line: location.line, column: location.column, message: error.message,
                             sourceLine: location.line > 0 ? Lexer.line(location.line, of: bytes) : "")
    }
}

/// `{{ return(x) }}` in a macro: dbt's way to return a value instead of text.
struct ReturnSignal: Error { let value: Value }

/// Limits that turn runaway templates into errors instead of hangs or crashes.
public struct RenderLimits: Sendable {
    public var maxCallDepth = 200
    public var maxLoopIterations = 10_000_000
    public var maxOutputBytes = 256 << 20
    public init() {}
}

/// Walks the tree and writes output. One evaluator per render.
public final class Evaluator {
    let strictUndefined: Bool
    let limits: RenderLimits
    private var callDepth = 0
    private var iterations = 0
    /// The names the template being rendered was given (a model's `ref`, `source`, `config`,
    /// `this`, `execute`, …). A macro from a library sees them when its own scope lacks a name, as
    /// dbt gives every macro the calling node's context.
    var renderGlobals: Frame?

    init(strictUndefined: Bool, limits: RenderLimits) {
        self.strictUndefined = strictUndefined
        self.limits = limits
    }

    // MARK: - Statements

    func render(_ nodes: [Node], _ frame: Frame, into output: inout String) throws {
        for node in nodes {
            try render(node, frame, into: &output)
            if output.utf8.count > limits.maxOutputBytes {
                throw EvaluationError("output exceeds \(limits.maxOutputBytes) bytes; is a loop running away?")
            }
        }
    }

    private func render(_ node: Node, _ frame: Frame, into output: inout String) throws {
        switch node {
        case .text(let text):
            output += text
        case .output(let expr):
            let value = try evaluate(expr, frame)
            try output += string(value, at: expr.location)
        case .conditional(let branches, let otherwise):
            for (condition, body) in branches where try truth(try evaluate(condition, frame), at: condition.location) {
                return try render(body, frame, into: &output)
            }
            if let otherwise { try render(otherwise, frame, into: &output) }
        case .forLoop(let target, let iterable, let condition, let body, let otherwise, let recursive, let location):
            let items = try iterate(try evaluate(iterable, frame), at: iterable.location)
            try renderLoop(target: target, items: items, condition: condition, body: body, otherwise: otherwise,
                           recursive: recursive, depth: 1, frame: frame, location: location, into: &output)
        case .assign(let target, let expr, let location):
            try assign(target, try evaluate(expr, frame), frame, at: location)
        case .assignBlock(let target, let filters, let body, let location):
            var captured = ""
            try render(body, Frame(parent: frame), into: &captured)
            var value = Value.string(captured)
            for filter in filters { value = try applyFilter(filter, to: value, frame) }
            try assign(target, value, frame, at: location)
        case .macro(let definition):
            frame.variables[definition.name] = .function(makeMacro(definition, frame: frame, source: currentSource))
        case .callBlock(let call, let parameters, let body, let location):
            let caller = MacroDefinition(name: "caller", parameters: parameters, body: body, location: location)
            let callerFunction = makeMacro(caller, frame: frame, source: currentSource)
            guard case .call(let callee, let arguments, let keywords) = call.kind else { return }
            let function = try evaluate(callee, frame)
            var args = try evaluateArguments(arguments, keywords, frame)
            args.keyword.append(("caller", .function(callerFunction)))
            try output += string(try invoke(function, args, at: call.location), at: call.location)
        case .filterBlock(let filters, let body):
            var captured = ""
            try render(body, Frame(parent: frame), into: &captured)
            var value = Value.string(captured)
            for filter in filters { value = try applyFilter(filter, to: value, frame) }
            try output += string(value, at: filters.first?.location ?? .unknown)
        case .expression(let expr):
            _ = try evaluate(expr, frame)
        case .with(let assignments, let body):
            let inner = Frame(parent: frame)
            for (target, expr) in assignments { try assign(target, try evaluate(expr, frame), inner, at: expr.location) }
            try render(body, inner, into: &output)
        }
    }

    /// The source of the template or macro being rendered (set by Template and by macro calls).
    var currentSource: SourceFile?

    private func renderLoop(target: AssignTarget, items allItems: [Value], condition: Expr?, body: [Node],
                            otherwise: [Node]?, recursive: Bool, depth: Int, frame: Frame,
                            location: SourceLocation, into output: inout String) throws {
        var items = allItems
        if let condition {
            // The loop filter runs first, so loop.length and loop.last see only the kept items.
            let probe = Frame(parent: frame)
            items = try allItems.filter { item in
                try assign(target, item, probe, at: location)
                return try truth(try evaluate(condition, probe), at: condition.location)
            }
        }
        if items.isEmpty {
            if let otherwise { try render(otherwise, frame, into: &output) }
            return
        }
        let loop = ObjectBox(typeName: "LoopContext")
        let count = items.count
        if recursive {
            loop.callable = Function(name: "loop") { [unowned self] arguments in
                let nested = try self.iterate(arguments.positional.first ?? .list([]), at: location)
                var text = ""
                try self.renderLoop(target: target, items: nested, condition: condition, body: body, otherwise: nil,
                                    recursive: true, depth: depth + 1, frame: frame, location: location, into: &text)
                return .string(text)
            }
        }
        for (position, item) in items.enumerated() {
            iterations += 1
            if iterations > limits.maxLoopIterations {
                throw EvaluationError("more than \(limits.maxLoopIterations) loop iterations; is a loop running away?", at: location)
            }
            let inner = Frame(parent: frame)
            loop.attributes = [
                "index": .int(position + 1), "index0": .int(position),
                "revindex": .int(count - position), "revindex0": .int(count - position - 1),
                "first": .bool(position == 0), "last": .bool(position == count - 1),
                "length": .int(count), "depth": .int(depth), "depth0": .int(depth - 1),
                "previtem": position > 0 ? items[position - 1] : .undefined("loop.previtem"),
                "nextitem": position + 1 < count ? items[position + 1] : .undefined("loop.nextitem"),
                "cycle": .function(Function(name: "cycle") { arguments in
                    guard !arguments.positional.isEmpty else { throw HostError("no items for cycling given") }
                    return arguments.positional[position % arguments.positional.count]
                }),
            ]
            inner.variables["loop"] = .object(loop)
            try assign(target, item, inner, at: location)
            try render(body, inner, into: &output)
        }
    }

    func assign(_ target: AssignTarget, _ value: Value, _ frame: Frame, at location: SourceLocation) throws {
        switch target {
        case .name(let name):
            frame.variables[name] = value
        case .tuple(let targets):
            let items = try iterate(value, at: location)
            guard items.count == targets.count else {
                throw EvaluationError(items.count > targets.count
                    ? "too many values to unpack (expected \(targets.count))"
                    : "not enough values to unpack (expected \(targets.count), got \(items.count))", at: location)
            }
            for (t, item) in zip(targets, items) { try assign(t, item, frame, at: location) }
        case .attribute(let objectExpr, let attribute):
            guard case .object(let object) = try evaluate(objectExpr, frame), object.isNamespace else {
                throw EvaluationError("can only assign attributes of a namespace()", at: location)
            }
            object.attributes[attribute] = value
        }
    }

    // MARK: - Macros

    private func makeMacro(_ definition: MacroDefinition, frame: Frame, source: SourceFile?) -> Function {
        Function(name: definition.name) { arguments, evaluator in
            try evaluator.callMacro(definition, arguments, definingFrame: frame, source: source)
        }
    }

    func callMacro(_ definition: MacroDefinition, _ arguments: Arguments, definingFrame: Frame, source: SourceFile?) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maxCallDepth {
            throw EvaluationError("macro '\(definition.name)' nested more than \(limits.maxCallDepth) calls deep (infinite recursion?)",
                                  at: definition.location)
        }
        let frame = Frame(parent: definingFrame)
        let names = definition.parameters.map(\.0)
        if arguments.positional.count > names.count && !usesVarargs(definition) {
            throw EvaluationError("macro '\(definition.name)' takes \(names.count) positional argument\(names.count == 1 ? "" : "s"), \(arguments.positional.count) given")
        }
        var extraKeywords: [(String, Value)] = []
        for (name, value) in arguments.keyword {
            if names.contains(name) {
                if let position = names.firstIndex(of: name), position < arguments.positional.count {
                    throw EvaluationError("macro '\(definition.name)' got multiple values for argument '\(name)'")
                }
            } else if name != "caller" {
                extraKeywords.append((name, value))
            }
        }
        if !extraKeywords.isEmpty && !usesKwargs(definition) {
            throw EvaluationError("macro '\(definition.name)' takes no keyword argument '\(extraKeywords[0].0)'")
        }
        let previousSource = currentSource
        currentSource = source
        defer { currentSource = previousSource }
        do {
            for (position, (name, defaultExpr)) in definition.parameters.enumerated() {
                if position < arguments.positional.count {
                    frame.variables[name] = arguments.positional[position]
                } else if let given = arguments.keyword.first(where: { $0.0 == name }) {
                    frame.variables[name] = given.1
                } else if let defaultExpr {
                    frame.variables[name] = try evaluate(defaultExpr, frame)
                } else {
                    frame.variables[name] = .undefined("parameter '\(name)' of macro '\(definition.name)' was not given")
                }
            }
            frame.variables["varargs"] = .tuple(Array(arguments.positional.dropFirst(names.count)))
            frame.variables["kwargs"] = .dict(extraKeywords)
            if let caller = arguments.keyword.first(where: { $0.0 == "caller" }) { frame.variables["caller"] = caller.1 }
            var output = ""
            do {
                try render(definition.body, frame, into: &output)
            } catch let signal as ReturnSignal {
                return signal.value
            }
            return .string(output)
        } catch let error as EvaluationError {
            // Report evaluation errors against the macro's own file.
            if let source { throw source.templateError(error) }
            throw error
        }
    }

    private func usesVarargs(_ definition: MacroDefinition) -> Bool { mentions("varargs", definition.body) }
    private func usesKwargs(_ definition: MacroDefinition) -> Bool { mentions("kwargs", definition.body) }

    /// Jinja accepts extra arguments only when the macro body refers to `varargs`/`kwargs`.
    private func mentions(_ name: String, _ nodes: [Node]) -> Bool {
        nodes.contains { NameScan.node($0, mentions: name) }
    }

    // MARK: - Expressions

    func evaluate(_ expr: Expr, _ frame: Frame) throws -> Value {
        do {
            return try evaluateUnlocated(expr, frame)
        } catch var error as EvaluationError where error.location == nil {
            error.location = expr.location
            throw error
        } catch let error as HostError {
            throw EvaluationError(error.message, at: expr.location)
        }
    }

    private func evaluateUnlocated(_ expr: Expr, _ frame: Frame) throws -> Value {
        switch expr.kind {
        case .literal(let value):
            return value
        case .name(let name):
            return frame.lookup(name) ?? renderGlobals?.lookup(name) ?? .undefined("'\(name)' is undefined")
        case .list(let items):
            return .list(try items.map { try evaluate($0, frame) })
        case .tuple(let items):
            return .tuple(try items.map { try evaluate($0, frame) })
        case .dict(let pairs):
            let box = DictBox()
            for (k, v) in pairs {
                let key = try evaluate(k, frame)
                guard HashKey(key) != nil else { throw EvaluationError("unhashable type: '\(key.typeName)'", at: k.location) }
                box.set(key, try evaluate(v, frame))
            }
            return .dict(box)
        case .attribute(let base, let name):
            let object = try evaluate(base, frame)
            return try Attributes.get(object, name, evaluator: self)
        case .item(let base, let key):
            return try Attributes.item(try evaluate(base, frame), try evaluate(key, frame), evaluator: self)
        case .slice(let base, let start, let stop, let step):
            return try Attributes.slice(try evaluate(base, frame), try start.map { try evaluate($0, frame) },
                                        try stop.map { try evaluate($0, frame) }, try step.map { try evaluate($0, frame) })
        case .call(let callee, let arguments, let keywords):
            if case .name("return") = callee.kind, frame.lookup("return") == nil {
                throw ReturnSignal(value: try arguments.first.map { try evaluate($0, frame) } ?? .none)
            }
            let function = try evaluate(callee, frame)
            return try invoke(function, try evaluateArguments(arguments, keywords, frame), at: expr.location)
        case .filter(let base, let name, let arguments, let keywords):
            let value = try evaluate(base, frame)
            return try applyFilter(FilterCall(name: name, arguments: arguments, keywords: keywords, location: expr.location), to: value, frame)
        case .test(let base, let name, let arguments, let negated):
            let value = try evaluate(base, frame)
            let args = try arguments.map { try evaluate($0, frame) }
            let result = try Tests.run(name, value, args, frame: frame, evaluator: self)
            return .bool(negated ? !result : result)
        case .unary(let op, let operand):
            let value = try requireDefined(try evaluate(operand, frame))
            switch (op, value) {
            case ("-", .int(let i)): return .int(-i)
            case ("-", .double(let d)): return .double(-d)
            case ("-", .bool(let b)): return .int(b ? -1 : 0)
            case ("+", .int), ("+", .double): return value
            case ("+", .bool(let b)): return .int(b ? 1 : 0)
            default: throw EvaluationError("bad operand type for unary \(op): '\(value.typeName)'")
            }
        case .not(let operand):
            return .bool(!(try truth(try evaluate(operand, frame), at: operand.location)))
        case .and(let left, let right):
            let l = try evaluate(left, frame)
            return try truth(l, at: left.location) ? try evaluate(right, frame) : l
        case .or(let left, let right):
            let l = try evaluate(left, frame)
            return try truth(l, at: left.location) ? l : try evaluate(right, frame)
        case .binary(let op, let left, let right):
            return try Operators.binary(op, try requireDefined(try evaluate(left, frame)),
                                        try requireDefined(try evaluate(right, frame)))
        case .compare(let first, let operations):
            var left = try evaluate(first, frame)
            for (op, rightExpr) in operations {
                let right = try evaluate(rightExpr, frame)
                guard try compare(op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .concat(let parts):
            var text = ""
            for part in parts { text += try string(try evaluate(part, frame), at: part.location) }
            return .string(text)
        case .conditional(let condition, let then, let otherwise):
            if try truth(try evaluate(condition, frame), at: condition.location) { return try evaluate(then, frame) }
            // Jinja uses its plain (lenient) Undefined here even when strict: `{{ ',' if not loop.last }}` prints nothing.
            return try otherwise.map { try evaluate($0, frame) } ?? .undefined(Value.lenientMarker + "the inline if-expression evaluated to false and has no else section")
        }
    }

    /// Call arguments, with `*sequence` spread into positional and `**mapping` into keyword arguments.
    func evaluateArguments(_ arguments: [Expr], _ keywords: [(String, Expr)], _ frame: Frame) throws -> Arguments {
        var positional: [Value] = [], named: [(String, Value)] = []
        for argument in arguments {
            guard case .unary("*", let inner) = argument.kind else { positional.append(try evaluate(argument, frame)); continue }
            switch try requireDefined(try evaluate(inner, frame)) {
            case .list(let list): positional += list.items
            case .tuple(let items): positional += items
            case .none: break
            case let other: throw EvaluationError("*\(other.typeName) is not allowed: only a list or tuple spreads into arguments", at: argument.location)
            }
        }
        for (name, expr) in keywords {
            guard name == "**" else { named.append((name, try evaluate(expr, frame))); continue }
            switch try requireDefined(try evaluate(expr, frame)) {
            case .dict(let dict): named += dict.pairs.map { ($0.0.displayString, $0.1) }
            case .none: break
            case let other: throw EvaluationError("**\(other.typeName) is not allowed: only a dict spreads into keyword arguments", at: expr.location)
            }
        }
        return Arguments(positional, keyword: named)
    }

    func invoke(_ callee: Value, _ arguments: Arguments, at location: SourceLocation) throws -> Value {
        switch callee {
        case .function(let function):
            do {
                return try function.body(arguments, self)
            } catch let error as HostError {
                throw EvaluationError(error.message, at: location)
            }
        case .object(let object) where object.callable != nil:
            return try object.callable!.body(arguments, self)
        case .undefined(let reason):
            throw EvaluationError(reason.hasSuffix("is undefined") ? "\(reason): no such function or macro" : reason, at: location)
        default:
            throw EvaluationError("'\(callee.typeName)' object is not callable", at: location)
        }
    }

    func applyFilter(_ filter: FilterCall, to value: Value, _ frame: Frame) throws -> Value {
        let arguments = try evaluateArguments(filter.arguments, filter.keywords, frame)
        do {
            return try Filters.apply(filter.name, value, arguments, evaluator: self)
        } catch var error as EvaluationError where error.location == nil {
            error.location = filter.location
            throw error
        } catch let error as HostError {
            throw EvaluationError(error.message, at: filter.location)
        }
    }

    // MARK: - Python semantics with undefined handling

    /// Raises for an undefined value (always in arithmetic; in strict mode for any use).
    @discardableResult
    func requireDefined(_ value: Value) throws -> Value {
        if case .undefined(let reason) = value { throw EvaluationError(Value.cleanReason(reason)) }
        return value
    }

    func truth(_ value: Value, at location: SourceLocation) throws -> Bool {
        if strictUndefined, case .undefined(let reason) = value, !Value.isLenient(reason) { throw EvaluationError(reason, at: location) }
        return value.truthy
    }

    func string(_ value: Value, at location: SourceLocation) throws -> String {
        if strictUndefined, case .undefined(let reason) = value, !Value.isLenient(reason) { throw EvaluationError(reason, at: location) }
        return PythonFormatting.str(value)
    }

    func iterate(_ value: Value, at location: SourceLocation) throws -> [Value] {
        if strictUndefined, case .undefined(let reason) = value, !Value.isLenient(reason) { throw EvaluationError(reason, at: location) }
        guard let items = value.iterationItems() else {
            throw EvaluationError("'\(value.typeName)' object is not iterable", at: location)
        }
        return items
    }

    func compare(_ op: String, _ left: Value, _ right: Value) throws -> Bool {
        if strictUndefined {
            try requireDefined(left)
            try requireDefined(right)
        }
        switch op {
        case "==": return Operators.equal(left, right)
        case "!=": return !Operators.equal(left, right)
        case "in": return try Operators.contains(right, left)
        case "notin": return try !Operators.contains(right, left)
        default:
            let order = try Operators.order(try requireDefined(left), try requireDefined(right), op)
            switch op {
            case "<": return order < 0
            case ">": return order > 0
            case "<=": return order <= 0
            default: return order >= 0
            }
        }
    }
}

/// Finds whether a macro body mentions a name (for `varargs`/`kwargs`).
enum NameScan {
    static func node(_ node: Node, mentions name: String) -> Bool {
        switch node {
        case .text: return false
        case .output(let e), .expression(let e): return expr(e, mentions: name)
        case .conditional(let branches, let otherwise):
            return branches.contains { expr($0.0, mentions: name) || $0.1.contains { self.node($0, mentions: name) } }
                || (otherwise ?? []).contains { self.node($0, mentions: name) }
        case .forLoop(_, let iterable, let condition, let body, let otherwise, _, _):
            return expr(iterable, mentions: name) || condition.map { expr($0, mentions: name) } == true
                || (body + (otherwise ?? [])).contains { self.node($0, mentions: name) }
        case .assign(_, let e, _): return expr(e, mentions: name)
        case .assignBlock(_, _, let body, _), .filterBlock(_, let body): return body.contains { self.node($0, mentions: name) }
        case .macro: return false
        case .callBlock(let call, _, let body, _): return expr(call, mentions: name) || body.contains { self.node($0, mentions: name) }
        case .with(let assignments, let body):
            return assignments.contains { expr($0.1, mentions: name) } || body.contains { self.node($0, mentions: name) }
        }
    }

    static func expr(_ e: Expr, mentions name: String) -> Bool {
        switch e.kind {
        case .name(let n): return n == name
        case .literal: return false
        case .list(let items), .tuple(let items), .concat(let items): return items.contains { expr($0, mentions: name) }
        case .dict(let pairs): return pairs.contains { expr($0.0, mentions: name) || expr($0.1, mentions: name) }
        case .attribute(let b, _), .unary(_, let b), .not(let b): return expr(b, mentions: name)
        case .item(let a, let b), .binary(_, let a, let b), .and(let a, let b), .or(let a, let b):
            return expr(a, mentions: name) || expr(b, mentions: name)
        case .slice(let a, let b, let c, let d): return [a, b, c, d].compactMap { $0 }.contains { expr($0, mentions: name) }
        case .call(let c, let args, let kws), .filter(let c, _, let args, let kws):
            return expr(c, mentions: name) || args.contains { expr($0, mentions: name) } || kws.contains { expr($0.1, mentions: name) }
        case .test(let b, _, let args, _): return expr(b, mentions: name) || args.contains { expr($0, mentions: name) }
        case .compare(let a, let ops): return expr(a, mentions: name) || ops.contains { expr($0.1, mentions: name) }
        case .conditional(let c, let t, let o): return expr(c, mentions: name) || expr(t, mentions: name) || o.map { expr($0, mentions: name) } == true
        }
    }
}
