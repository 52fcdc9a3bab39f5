import Foundation

/// Options that change how a template renders.
public struct TemplateOptions: Sendable {
    /// Undefined names are errors when used (dbt's behaviour); false behaves like plain Jinja.
    public var strictUndefined = true
    /// Jinja removes one trailing newline from the template source unless this is set.
    public var keepTrailingNewline = false
    public var limits = RenderLimits()
    public init(strictUndefined: Bool = true, keepTrailingNewline: Bool = false) {
        self.strictUndefined = strictUndefined
        self.keepTrailingNewline = keepTrailingNewline
    }
}

/// A parsed template: parse once, render many times with different contexts.
public final class Template: @unchecked Sendable {
    public let file: String
    let nodes: [Node]
    let source: SourceFile
    let options: TemplateOptions

    public init(source text: String, file: String = "<template>", options: TemplateOptions = TemplateOptions()) throws {
        var lexer = Lexer(source: text, file: file, keepTrailingNewline: options.keepTrailingNewline)
        let tokens = try lexer.tokenize()
        var parser = Parser(tokens: tokens, file: file, sourceBytes: lexer.source)
        self.nodes = try parser.parseTemplate()
        self.file = file
        self.source = SourceFile(name: file, bytes: lexer.source)
        self.options = options
    }

    /// Renders with `context` (host functions and variables) on top of the built-in globals.
    public func render(_ context: [String: Value] = [:]) throws -> String {
        let (output, _) = try run(context)
        return output
    }

    /// Jinja's native rendering (dbt renders test arguments so): a template that is one `{{ expression }}`
    /// gives that expression's value (a relation from `ref()`, a list, a number); any other renders to text.
    public func renderNative(_ context: [String: Value] = [:]) throws -> Value {
        guard nodes.count == 1, case .output(let expr) = nodes[0] else { return .string(try render(context)) }
        let globals = Frame(Builtins.globals.merging(context) { $1 }, parent: nil)
        let evaluator = Evaluator(strictUndefined: options.strictUndefined, limits: options.limits)
        evaluator.currentSource = source
        evaluator.renderGlobals = globals
        do {
            return try evaluator.evaluate(expr, Frame(parent: globals))
        } catch let error as EvaluationError {
            throw source.templateError(error)
        }
    }

    /// Runs the template and returns its top-level names (macros and `set` variables), like
    /// Jinja's `make_module`: how a macro file's macros become callable from models.
    public func module(_ context: [String: Value] = [:]) throws -> [String: Value] {
        let (_, frame) = try run(context)
        return frame.variables
    }

    /// The names of the macros this template defines, without running it.
    public var macroNames: [String] {
        nodes.compactMap { if case .macro(let definition) = $0 { return definition.name } else { return nil } }
    }

    private func run(_ context: [String: Value]) throws -> (String, Frame) {
        let globals = Frame(Builtins.globals.merging(context) { $1 }, parent: nil)
        let frame = Frame(parent: globals)
        let evaluator = Evaluator(strictUndefined: options.strictUndefined, limits: options.limits)
        evaluator.currentSource = source
        evaluator.renderGlobals = globals
        var output = ""
        do {
            try evaluator.render(nodes, frame, into: &output)
        } catch let error as EvaluationError {
            throw source.templateError(error)
        } catch is ReturnSignal {
            // `return()` at the top level ends the template, as in dbt.
        }
        return (output, frame)
    }
}

/// Globals every template sees: `range`, `dict`, `namespace`, `joiner`, `cycler`-free subset.
enum Builtins {
    static let globals: [String: Value] = [
        "range": .function(Function(name: "range") { a in
            let ints = try a.positional.map { value -> Int in
                guard let i = value.intValue else { throw EvaluationError("range() needs integers, not \(value.typeName)") }
                return i
            }
            let (start, stop, step): (Int, Int, Int)
            switch ints.count {
            case 1: (start, stop, step) = (0, ints[0], 1)
            case 2: (start, stop, step) = (ints[0], ints[1], 1)
            case 3: (start, stop, step) = (ints[0], ints[1], ints[2])
            default: throw EvaluationError("range expected 1 to 3 arguments, got \(ints.count)")
            }
            guard step != 0 else { throw EvaluationError("range() arg 3 must not be zero") }
            let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
            // Jinja's sandbox caps range() at 100,000 items (MAX_RANGE).
            guard count <= 100_000 else { throw EvaluationError("range too big: \(count) items (at most 100000)") }
            return .list(stride(from: start, to: stop, by: step).map { .int($0) })
        }),
        "dict": .function(Function(name: "dict") { a in
            let box = DictBox()
            if case .dict(let other)? = a.positional.first { for (k, v) in other.pairs { box.set(k, v) } }
            for (k, v) in a.keyword { box.set(.string(k), v) }
            return .dict(box)
        }),
        "namespace": .function(Function(name: "namespace") { a in
            var attributes: [String: Value] = [:]
            if case .dict(let other)? = a.positional.first { for (k, v) in other.pairs { attributes[PythonFormatting.str(k)] = v } }
            for (k, v) in a.keyword { attributes[k] = v }
            return .object(ObjectBox(typeName: "Namespace", attributes: attributes, rendered: "<Namespace>", isNamespace: true))
        }),
    ]
}
