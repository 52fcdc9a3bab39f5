import Foundation

/// How a model becomes a relation. Read from its config when the project compiles, so a typo fails
/// there, with the file and line, instead of when the runner reaches the model.
public enum Materialization: String, Sendable, CaseIterable {
    case view, table, incremental, ephemeral, operation
    case materializedView = "materialized_view"
    /// SCD type 2 history of a query's rows (dbt's snapshots), kept across builds.
    case snapshot

    /// Relations PostgreSQL drops or leaves stale when something they read is replaced: a build of
    /// that input rebuilds them too.
    public var followsItsInputs: Bool { [.view, .materializedView, .operation, .ephemeral].contains(self) }

    /// Built under a side name and swapped in (or, incremental, built that way the first time).
    public var isSwappedIn: Bool { [.table, .incremental, .materializedView].contains(self) }

    /// The materialization `config` names for `model`; an unknown one is an error at the line that names it.
    static func of(_ config: NodeConfig, model: ModelNode, custom: [String: String] = [:]) throws -> Materialization {
        let name = config.materialized
        if let known = Materialization(rawValue: name) { return known }
        let line = model.rawSQL.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("materialized") && $0.contains(name) }.map { $0 + 1 }
        if let file = custom[name] {
            throw ProjectError(file: line == nil ? (model.propertiesFile ?? model.path) : model.path, line: line,
                               message: "model '\(model.name)' asks for the custom materialization '\(name)' (\(file)); rops builds with its own: "
                                   + allCases.map(\.rawValue).joined(separator: ", "))
        }
        var message = "unknown materialization '\(name)' for model '\(model.name)'; use "
            + allCases.map(\.rawValue).joined(separator: ", ")
        if let suggestion = closest(name, among: allCases.map(\.rawValue)) { message += "; did you mean '\(suggestion)'?" }
        throw ProjectError(file: line == nil ? (model.propertiesFile ?? model.path) : model.path, line: line, message: message)
    }
}
