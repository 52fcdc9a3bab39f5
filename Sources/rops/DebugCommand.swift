import ArgumentParser
import Foundation
import Session

struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Check the connection: where it comes from, the server, key settings, and permissions.",
        discussion: "Exits non-zero with a one-line cause when the database cannot be reached or the role cannot create schemas.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let session = try options.database()
        Console.print("project:    \(session.projectRoot)\(session.projectFile == nil ? " (no project.yml)" : "")")
        Console.print("connection: \(session.resolved.origin)")
        let report = try DebugReport.gather(session) { Console.print("url:        \($0)") }
        if let target = report.target { Console.print("target:     \(target)") }
        Console.print("server:     PostgreSQL \(report.serverVersion)")
        if let citus = report.citus {
            Console.print("citus:      \(citus.version), \(citus.nodes) nodes (\(citus.workers) holding shards): distributed_by and reference configs apply")
        }
        Console.print("database:   \(report.database) as \(report.role)\(report.superuser ? " (superuser)" : "")")
        for (name, value) in report.settings {
            Console.print("  \(name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(value)")
        }
        Console.print("ok: connected, and the role can create schemas")
    }
}
