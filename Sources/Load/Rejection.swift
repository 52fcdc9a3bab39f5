/// Why a record could not be loaded. The raw text goes to `<table>__rejected` with this code.
public enum RejectReason: String, Sendable, CaseIterable {
    case wrongFieldCount = "wrong_field_count"
    case invalidUTF8 = "invalid_utf8"
    case nulByte = "nul_byte"
    case unclosedQuote = "unclosed_quote"
    case badQuote = "bad_quote"
    case recordTooLarge = "record_too_large"
    case wrongJSONType = "wrong_json_type"
    case invalidJSON = "invalid_json"
    case truncatedJSON = "truncated_json"
}

/// A record that goes to quarantine.
public struct Rejection: Sendable, Equatable {
    public let line: Int
    public let byteOffset: Int
    public let reason: RejectReason
    public let detail: String
    /// The record's bytes as they were in the file (capped; see `truncated`).
    public let raw: [UInt8]
    public let truncated: Bool
}

/// A file that cannot be loaded at all (the source fails; the previous load stays).
public struct StructuralError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let message: String
    public init(file: String, message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}

/// Rejected raw text is kept up to this many bytes (the byte offset and line locate the rest).
let maxRejectedBytes = 1 << 20
