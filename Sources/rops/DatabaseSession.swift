import Foundation
import LocalPostgres
import PostgresClient
import Project

/// Resolves the project's connection and connects, starting the embedded cluster when it is the one
/// configured.
struct DatabaseSession {
    let projectRoot: String
    let projectFile: ProjectFile?
    let resolved: ResolvedConnection

    init(options: GlobalOptions) throws {
        projectRoot = options.projectRoot
        projectFile = try ProjectFile.load(projectRoot: projectRoot)
        resolved = try ConnectionResolver.resolve(
            flag: options.databaseURL, environment: ProcessInfo.processInfo.environment,
            projectRoot: projectRoot, projectFile: projectFile)
    }

    var databaseName: String { projectFile?.name ?? "rops" }

    /// The DSN to connect with; starts the embedded cluster on demand.
    func connectionString() throws -> ConnectionString {
        if let dsn = resolved.dsn { return ConnectionString(dsn) }
        let cluster = try LocalCluster(projectRoot: projectRoot, log: Console.note)
        let wasRunning = try cluster.isRunning()
        let endpoint = try cluster.start(databaseName: databaseName)
        if !wasRunning { Console.note("started the embedded PostgreSQL on port \(endpoint.port)") }
        return ConnectionString(endpoint.socketURL)
    }

    /// The project's write lock: one rops process at a time loads, seeds or builds a project on a
    /// database. A second one says who holds the lock and waits for it (Ctrl-C stops waiting).
    func lockProject(for command: String) throws -> AdvisoryLock {
        let label = "rops \(command) (pid \(getpid()) on \(ProcessInfo.processInfo.hostName))"
        return try AdvisoryLock(try connectionString(), name: "rops project \(databaseName)", label: label) { holder in
            Console.note("waiting for \(holder.map(String.init(describing:)) ?? "another rops process") to finish with project '\(databaseName)'…")
        }
    }

    func connect() throws -> PostgresConnection {
        let dsn = try connectionString()
        return try PostgresConnection(dsn)
    }
}
