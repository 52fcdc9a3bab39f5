import Foundation

/// What loading one file did.
public struct FileLoad: Sendable {
    public let file: String
    public let bytes: Int
    public let checksum: String
    public let rowsLoaded: Int
    public let rowsRejected: Int
    public let skipped: Bool
    /// The id of its row in rops_meta.loads, which its rows carry as `_rops_load_id` (nil when skipped).
    public var loadId: Int64? = nil
}

/// What loading one source did.
public struct SourceLoadResult: Sendable {
    public let source: String
    public let relation: String
    public let files: [FileLoad]
    public let seconds: Double
    public var rowsLoaded: Int { files.reduce(0) { $0 + $1.rowsLoaded } }
    public var rowsRejected: Int { files.reduce(0) { $0 + $1.rowsRejected } }
}

/// Progress of a running load, for the CLI's progress line.
public struct LoadProgress: Sendable {
    public let source: String
    public let bytesDone: Int
    public let bytesTotal: Int
    public let rows: Int
}
