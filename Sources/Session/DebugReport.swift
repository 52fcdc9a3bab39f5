import Foundation
import PostgresClient
import Project

/// `rops debug`: where the connection comes from, the server, key settings, and whether the role
/// can create schemas (checked in a transaction that is rolled back).
public struct DebugReport: Sendable {
    public let projectRoot: String
    public let hasProjectFile: Bool
    public let origin: String
    public let maskedURL: String
    public let serverVersion: String
    public let database: String
    public let role: String
    public let superuser: Bool
    public let settings: [(name: String, value: String)]
    /// The Citus extension and its nodes, when the database is a Citus coordinator.
    public let citus: CitusInfo?
    /// The target chosen by name (`--target`), if any.
    public let target: String?

    static let settingNames = ["server_encoding", "TimeZone", "shared_buffers", "work_mem", "maintenance_work_mem",
                               "max_wal_size", "synchronous_commit", "max_parallel_workers_per_gather"]

    /// Connects and gathers the report; throws with a one-line cause when the database cannot be
    /// reached or the role cannot create schemas.
    public static func gather(_ session: DatabaseSession, resolved: (_ maskedURL: String) -> Void) throws -> DebugReport {
        let dsn = try session.connectionString()
        resolved(dsn.masked)
        let connection = try PostgresConnection(dsn)
        let info = try connection.query("""
            select current_setting('server_version') as version, current_user as role,
                   current_database() as database,
                   (select rolsuper from pg_roles where rolname = current_user) as superuser
            """)[0]
        let settings = try connection.query("select name, current_setting(name) as setting from pg_settings where name = any($1::text[])",
                                            ["{" + settingNames.joined(separator: ",") + "}"])
        let citus = try CitusInfo.detect(connection)
        try checkCreateSchema(connection)
        return DebugReport(projectRoot: session.projectRoot, hasProjectFile: session.projectFile != nil, origin: "\(session.resolved.origin)",
                           maskedURL: dsn.masked, serverVersion: info["version"].string ?? "?", database: info["database"].string ?? "?",
                           role: info["role"].string ?? "?", superuser: info["superuser"].bool == true,
                           settings: settings.map { ($0["name"].string ?? "", $0["setting"].string ?? "") }, citus: citus,
                           target: session.projectFile?.targetChosen == true ? session.projectFile?.profileTarget : nil)
    }

    /// Creates a schema inside a transaction that is rolled back, so nothing is left behind.
    private static func checkCreateSchema(_ connection: PostgresConnection) throws {
        let probe = "rops_debug_probe_\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("begin")
        defer { _ = try? connection.execute("rollback") }
        do {
            try connection.execute("create schema \(SQLText.identifier(probe))")
        } catch let error as PostgresError {
            throw SessionError("the role cannot create schemas in this database: \(error.message)")
        }
    }
}
