/// A syntax or evaluation error, with where it happened and the offending line under a caret.
public struct TemplateError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String
    /// The source line the error points at (empty when unknown).
    public let sourceLine: String

    public init(file: String, line: Int, column: Int, message: String, sourceLine: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    public var description: String {
        var text = "\(file):\(line):\(column): \(message)"
        if !sourceLine.isEmpty {
            let shown = sourceLine.replacingOccurrences(of: "\t", with: " ")
            text += "\n  \(shown)\n  " + String(repeating: " ", count: max(0, column - 1)) + "^"
        }
        return text
    }
}

/// Position inside a template source (1-based line and column).
struct SourceLocation: Equatable, Sendable {
    let line: Int
    let column: Int
    static let unknown = SourceLocation(line: 0, column: 0)
}

/// An error raised while evaluating, before the template adds the file and the source line.
struct EvaluationError: Error {
    let message: String
    var location: SourceLocation?

    init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
}
