import Foundation
import LocalPostgres
import PostgresClient
import Project

/// Resolves the project's connection and connects, starting the embedded cluster when it is the one
/// configured; takes the project's write lock.
public struct DatabaseSession: Sendable {
    public let projectRoot: String
    public let projectFile: ProjectFile?
    public let resolved: ResolvedConnection
    /// Where notes go (the embedded cluster starting, waiting for the project lock).
    let note: @Sendable (String) -> Void

    public init(projectRoot: String, databaseURL: String?, note: @escaping @Sendable (String) -> Void) throws {
        self.projectRoot = projectRoot
        self.note = note
        projectFile = try ProjectFile.load(projectRoot: projectRoot)
        resolved = try ConnectionResolver.resolve(
            flag: databaseURL, environment: ProcessInfo.processInfo.environment,
            projectRoot: projectRoot, projectFile: projectFile)
    }

    public var databaseName: String { projectFile?.name ?? "rops" }

    /// The database the connection names (what dbt projects print in relations and `target.database`):
    /// the DSN's `dbname` or URL path, else the embedded cluster's database.
    public var targetDatabase: String? { Self.targetDatabase(resolved, projectName: databaseName) }

    /// The database `resolved` names; the embedded cluster's for a project called `projectName`.
    static func targetDatabase(_ resolved: ResolvedConnection, projectName: String) -> String? {
        guard let dsn = resolved.dsn else { return LocalCluster.databaseName(for: projectName) }
        return databaseName(inDSN: dsn)
    }

    static func databaseName(inDSN dsn: String) -> String? {
        if dsn.hasPrefix("postgres://") || dsn.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: dsn) else { return nil }
            if let fromQuery = components.queryItems?.first(where: { $0.name == "dbname" })?.value { return fromQuery }
            let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return path.isEmpty ? components.user : path.removingPercentEncoding ?? path
        }
        var user: String?
        for pair in dsn.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            guard parts.count == 2 else { continue }
            if parts[0] == "dbname" { return parts[1] }
            if parts[0] == "user" { user = parts[1] }
        }
        return user
    }

    /// The project's `threads:`, else `fallback`.
    public func threads(_ requested: Int?, fallback: Int = 4) -> Int { requested ?? projectFile?.threads ?? fallback }

    /// The DSN to connect with; starts the embedded cluster on demand.
    public func connectionString() throws -> ConnectionString {
        if let dsn = resolved.dsn { return ConnectionString(dsn) }
        let cluster = try LocalCluster(projectRoot: projectRoot, log: note)
        let wasRunning = try cluster.isRunning()
        let endpoint = try cluster.start(databaseName: databaseName)
        if !wasRunning { note("started the embedded PostgreSQL on port \(endpoint.port)") }
        return ConnectionString(endpoint.socketURL)
    }

    public func connect() throws -> PostgresConnection {
        try PostgresConnection(try connectionString())
    }

    /// The project's write lock: one rops process at a time loads, seeds or builds a project on a
    /// database. A second one says who holds the lock and waits for it (Ctrl-C stops waiting).
    public func lockProject(for command: String) throws -> AdvisoryLock {
        let label = "rops \(command) (pid \(getpid()) on \(ProcessInfo.processInfo.hostName))"
        let name = databaseName
        return try AdvisoryLock(try connectionString(), name: "rops project \(name)", label: label) { holder in
            note("waiting for \(holder.map(String.init(describing:)) ?? "another rops process") to finish with project '\(name)'…")
        }
    }
}
