import ArgumentParser
import Foundation

@main
struct Rops: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rops",
        abstract: "A fast, declarative SQL build tool for PostgreSQL data pipelines.",
        discussion: """
        rops reads project.yml and the SQL models beside it, loads raw files with COPY, builds the \
        models in dependency order and tests them.

        Database: --database-url, else DB_CONNECTION_STRING (environment, then .env), else the \
        `connection:` in project.yml, else a project-local PostgreSQL cluster that rops creates and \
        starts by itself under .rops/postgres (see `rops db --help`).

        One writer at a time: load, seed, run and build take the project's lock in the database; a \
        second one says which process holds it and waits. A replaced table stays readable for the \
        views that read it until they are rebuilt, so a build never takes data away from readers.
        """,
        version: "0.1.0",
        subcommands: [LoadCommand.self, SeedCommand.self, RunCommand.self, TestCommand.self, BuildCommand.self, SnapshotCommand.self,
                      CompileCommand.self, ListCommand.self, ShowCommand.self, DocsCommand.self, DBCommand.self, DebugCommand.self,
                      DepsCommand.self, SourceCommand.self, LiveCommand.self, MenuCommand.self]
    )

    static func main() {
        Interrupts.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            Foundation.exit(Self.report(error))
        }
    }

    /// Prints `error` the way a user wants to read it (one line of cause, no stack trace) and
    /// returns the exit code.
    static func report(_ error: Error) -> Int32 {
        if isArgumentParserError(error) && !(error is ExitCode) {
            Self.exit(withError: error)  // prints usage and help as ArgumentParser does
        }
        return reportWithoutExiting(error)
    }

    /// Like `report`, for a command run from the menu: prints the error and returns the code, never exits.
    static func reportWithoutExiting(_ error: Error) -> Int32 {
        if let exit = error as? ExitCode { return exit.rawValue }
        if isArgumentParserError(error) {
            Console.error(fullMessage(for: error))
            return exitCode(for: error).rawValue
        }
        Console.error(UserFacingError.describe(error))
        if let postgres = error as? PostgresClientErrorInfo, postgres.isCancellation { return 130 }
        return 1
    }

    private static func isArgumentParserError(_ error: Error) -> Bool {
        let typeName = String(reflecting: type(of: error))
        return typeName.hasPrefix("ArgumentParser.") || error is CleanExit || error is ValidationError
    }
}
