/// Macros from many files in one namespace, the way dbt exposes `macros/`: every macro can call
/// every other by name, whichever file defines it and in whatever order the files are read.
public final class MacroLibrary {
    private var macros: [String: Value] = [:]
    /// Macro name → the file that defines it.
    public private(set) var origins: [String: String] = [:]

    /// Parses nothing itself: give it parsed macro files and the host context they may use.
    public init(templates: [Template], context: [String: Value] = [:]) throws {
        for template in templates {
            for name in template.macroNames {
                if let first = origins[name] {
                    throw TemplateError(file: template.file, line: 1, column: 1,
                                        message: "macro '\(name)' is defined twice: in \(first) and in \(template.file)",
                                        sourceLine: "")
                }
                origins[name] = template.file
            }
        }
        // Late-bound stubs first, so a macro may call one defined in a file not yet run.
        let globals = context.merging(functions) { $1 }
        for template in templates {
            let module = try template.module(globals)
            for name in template.macroNames { macros[name] = module[name] }
        }
    }

    /// The macros as callable values, to put into a rendering context.
    public var functions: [String: Value] {
        var result: [String: Value] = [:]
        for name in origins.keys {
            result[name] = .function(Function(name: name, evaluatorBody: { [weak self] arguments, evaluator in
                guard case .function(let macro)? = self?.macros[name] else {
                    throw EvaluationError("macro '\(name)' is not available yet")
                }
                return try macro.body(arguments, evaluator)
            }))
        }
        return result
    }
}
