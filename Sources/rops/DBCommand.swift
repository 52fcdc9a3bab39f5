import ArgumentParser
import Foundation
import LocalPostgres
import PostgresClient
import Project

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster (the default when no database is configured).",
        discussion: """
        The cluster lives in .rops/postgres under the project, uses the system's PostgreSQL binaries \
        (pg_config --bindir, PATH, or /usr/lib/postgresql/*/bin), listens on a private unix socket and \
        on a free port on 127.0.0.1, and is tuned for bulk loads. As root, the server runs as the \
        'postgres' OS user (or ROPS_PG_OS_USER). Commands that need a database start it on demand.
        """,
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self, Reset.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the cluster if needed and start it.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let cluster = try LocalCluster(projectRoot: options.projectRoot, log: Console.note)
            let wasRunning = try cluster.isRunning()
            let name = try ProjectFile.load(projectRoot: options.projectRoot)?.name ?? "rops"
            let endpoint = try cluster.start(databaseName: name)
            Console.print(wasRunning ? "already running on port \(endpoint.port)" : "started on port \(endpoint.port)")
            Console.print("url: \(endpoint.socketURL)")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster (running queries are cancelled).")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let cluster = try LocalCluster(projectRoot: options.projectRoot, log: Console.note)
            Console.print(try cluster.stop() ? "stopped" : "not running")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the cluster runs, its URL, version, size and uptime.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let cluster = try LocalCluster(projectRoot: options.projectRoot, log: Console.note)
            guard cluster.isInitialised, let endpoint = cluster.endpoint else {
                Console.print("embedded PostgreSQL: not created (run `rops db start`)")
                throw ExitCode(3)
            }
            guard try cluster.isRunning() else {
                Console.print("embedded PostgreSQL: stopped (run `rops db start`)")
                throw ExitCode(3)
            }
            let facts = try cluster.facts()
            Console.print("""
                embedded PostgreSQL: running
                  url:      \(endpoint.socketURL)
                  tcp:      \(endpoint.tcpURL())
                  version:  PostgreSQL \(facts.version)
                  database: \(endpoint.database) (\(facts.size))
                  uptime:   \(facts.uptime)
                  folder:   \(cluster.stateDirectory)
                """)
            if let session = try? options.database(), session.resolved.origin != .embedded {
                Console.print("note: this project is configured to use \(session.resolved.origin), not the embedded cluster")
            }
        }
    }

    struct URLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract: "Print the embedded cluster's connection URL (starting it if needed).",
            discussion: "By default the unix-socket URL, which needs no password. --tcp prints the 127.0.0.1 URL with the password masked; add --show-password for programs that need it (e.g. DB_CONNECTION_STRING=$(rops db url --tcp --show-password)).")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print the TCP URL (127.0.0.1) instead of the unix-socket URL.") var tcp = false
        @Flag(help: "With --tcp: include the real password.") var showPassword = false
        @Option(help: ArgumentHelp("Another database in the same cluster (not created), e.g. for benchmarks and tests.",
                                   valueName: "name"))
        var database: String?

        func run() throws {
            let cluster = try LocalCluster(projectRoot: options.projectRoot, log: Console.note)
            let name = try ProjectFile.load(projectRoot: options.projectRoot)?.name ?? "rops"
            var endpoint = try cluster.start(databaseName: name)
            if let database { endpoint = endpoint.database(database) }
            Console.print(tcp ? endpoint.tcpURL(revealPassword: showPassword) : endpoint.socketURL)
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster and delete it with all its data.")
        @OptionGroup var options: GlobalOptions
        @Flag(name: .customLong("yes"), help: "Do not ask for confirmation.") var confirmed = false

        func run() throws {
            let cluster = try LocalCluster(projectRoot: options.projectRoot, log: Console.note)
            if !confirmed {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw CLIError("`rops db reset` deletes every table in the embedded cluster; pass --yes to confirm")
                }
                FileHandle.standardError.write(Data("Delete the embedded database in \(cluster.stateDirectory) and all its data? [y/N] ".utf8))
                guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                    Console.print("nothing deleted")
                    return
                }
            }
            try cluster.reset()
            Console.print("deleted \(cluster.stateDirectory)")
        }
    }
}
