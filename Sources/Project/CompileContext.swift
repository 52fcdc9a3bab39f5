import Foundation
import Template

/// Settings of one compilation that come from the command line and the database.
public struct CompileContext: Sendable {
    /// `"schema"."table"` of relations that exist now, for `is_incremental()`.
    public var existingRelations: Set<String> = []
    public var fullRefresh = false
    public var runStartedAt = Date()
    public var targetName = "default"
    public var threads = 4
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    public var cliVars: [String: Value] = [:]
    /// dbt's `invocation_id`: one per command.
    public var invocationId = UUID().uuidString.lowercased()
    public init() {}
}

/// Runs a query for a template's `run_query()` and returns its result as an agate-like table. The
/// compiler has no database of its own: the runner passes one in when it renders a model to run it.
public typealias QueryRunner = (String) throws -> Value
