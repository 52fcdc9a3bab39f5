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
    /// The database the run connects to: dbt projects name it in every relation (`"db"."schema"."t"`).
    public var database: String?
    /// `--database-url`, when given (to name the database before connecting).
    public var databaseURL: String?
    /// The command running (`flags.WHICH`): build, run, test, compile, seed, … .
    public var command = "build"
    /// Where `log()`, `print()` and `exceptions.warn()` write (dbt prints them during the run).
    public var log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// `--defer`: models this run does not build and that are not in its database, read where the
    /// `--state` run built them.
    public var deferred: [String: DeferredRelation] = [:]
    public init() {}
}

/// Runs a query for a template's `run_query()` and returns its result as an agate-like table. The
/// compiler has no database of its own: the runner passes one in when it renders a model to run it.
/// `parameters` are bound ($1, $2, …), never pasted into the SQL.
public typealias QueryRunner = (_ sql: String, _ parameters: [String?]) throws -> Value

/// Where a deferred model's relation is (the `--state` run's schema and name).
public struct DeferredRelation: Sendable, Equatable {
    public let schema: String
    public let identifier: String
    public init(schema: String, identifier: String) {
        self.schema = schema
        self.identifier = identifier
    }
}
