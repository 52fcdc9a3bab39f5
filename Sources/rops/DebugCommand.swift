import ArgumentParser
import Foundation
import PostgresClient
import Project

struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Check the connection: where it comes from, the server, key settings, and permissions.",
        discussion: "Exits non-zero with a one-line cause when the database cannot be reached or the role cannot create schemas.")

    @OptionGroup var options: GlobalOptions

    static let settings = ["server_encoding", "TimeZone", "shared_buffers", "work_mem", "maintenance_work_mem",
                           "max_wal_size", "synchronous_commit", "max_parallel_workers_per_gather"]

    func run() throws {
        let session = try DatabaseSession(options: options)
        Console.print("project:    \(session.projectRoot)\(session.projectFile == nil ? " (no project.yml)" : "")")
        Console.print("connection: \(session.resolved.origin)")
        let dsn = try session.connectionString()
        Console.print("url:        \(dsn.masked)")
        let connection = try PostgresConnection(dsn)
        let info = try connection.query("""
            select current_setting('server_version') as version, current_user as role,
                   current_database() as database,
                   (select rolsuper from pg_roles where rolname = current_user) as superuser
            """)[0]
        Console.print("server:     PostgreSQL \(info["version"])")
        Console.print("database:   \(info["database"]) as \(info["role"])\(info["superuser"].bool == true ? " (superuser)" : "")")
        let settings = try connection.query("select name, current_setting(name) as setting from pg_settings where name = any($1::text[])",
                                            ["{" + Self.settings.joined(separator: ",") + "}"])
        for row in settings {
            Console.print("  \(row["name"].string!.padding(toLength: 32, withPad: " ", startingAt: 0)) \(row["setting"])")
        }
        try checkCreateSchema(connection)
        Console.print("ok: connected, and the role can create schemas")
    }

    /// Creates and drops a schema inside a transaction that is rolled back, so nothing is left behind.
    private func checkCreateSchema(_ connection: PostgresConnection) throws {
        let probe = "rops_debug_probe_\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("begin")
        defer { _ = try? connection.execute("rollback") }
        do {
            try connection.execute("create schema \(SQLText.identifier(probe))")
        } catch let error as PostgresError {
            throw CLIError("the role cannot create schemas in this database: \(error.message)")
        }
    }
}
