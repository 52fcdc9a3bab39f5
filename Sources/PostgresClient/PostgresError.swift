import Foundation

/// An error from PostgreSQL or from the client, carrying what the server said.
///
/// `message` is one line; the CLI prints `description`, which adds detail and hint.
public struct PostgresError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Could not connect (bad URL, unreachable host, authentication).
        case connection
        /// The server rejected a statement.
        case server
        /// The client refused a request before sending it (e.g. a NUL byte in a text parameter).
        case client
        /// The connection broke while a statement was running.
        case protocolFailure
    }

    public var kind: Kind
    /// Five-character SQLSTATE, e.g. `23505` for a unique violation; empty when not from the server.
    public var sqlState: String
    public var severity: String
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position in the statement, when the server reported one.
    public var position: Int?
    /// The statement that failed, when there was one.
    public var statement: String?

    public init(kind: Kind, sqlState: String = "", severity: String = "ERROR", message: String,
                detail: String? = nil, hint: String? = nil, position: Int? = nil, statement: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.statement = statement
    }

    /// True when the statement was cancelled (Ctrl-C or `PQcancel`).
    public var isCancellation: Bool { sqlState == SQLState.queryCanceled }

    public var description: String {
        var text = sqlState.isEmpty ? message : "\(message) (SQLSTATE \(sqlState))"
        if let detail { text += "\n  detail: \(detail)" }
        if let hint { text += "\n  hint: \(hint)" }
        if let position, let statement, let caret = PostgresError.caretLine(statement, position) {
            text += "\n" + caret
        }
        return text
    }

    /// The line of `statement` that holds character `position`, with a caret under it.
    static func caretLine(_ statement: String, _ position: Int) -> String? {
        let chars = Array(statement)
        guard position >= 1, position <= chars.count + 1 else { return nil }
        var lineStart = 0
        var lineNumber = 1
        for i in 0..<(position - 1) where chars[i] == "\n" {
            lineStart = i + 1
            lineNumber += 1
        }
        var lineEnd = lineStart
        while lineEnd < chars.count && chars[lineEnd] != "\n" { lineEnd += 1 }
        let line = String(chars[lineStart..<lineEnd])
        let column = position - 1 - lineStart
        let prefix = "  line \(lineNumber): "
        return prefix + line + "\n" + String(repeating: " ", count: prefix.count + column) + "^"
    }
}

/// SQLSTATE codes the tool reacts to. The full list: PostgreSQL manual, appendix A.
public enum SQLState {
    public static let queryCanceled = "57014"
    public static let uniqueViolation = "23505"
    public static let foreignKeyViolation = "23503"
    public static let undefinedTable = "42P01"
    public static let undefinedColumn = "42703"
    public static let syntaxError = "42601"
    public static let invalidPassword = "28P01"
    public static let insufficientPrivilege = "42501"
    public static let diskFull = "53100"
    public static let characterNotInRepertoire = "22021"
    public static let invalidTextRepresentation = "22P02"
    public static let divisionByZero = "22012"
}
