import ArgumentParser
import Foundation
import Load
import PostgresClient
import Project

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load seeds/*.csv (small reference data) into typed tables that models can ref().",
        discussion: "Column types come from the seed's `column_types:` config, else are inferred (boolean, bigint, numeric, date, timestamp, text; numbers with leading zeros stay text). Each table is replaced atomically.")

    @OptionGroup var options: GlobalOptions
    @Option(name: [.customShort("s"), .customLong("select")], parsing: .upToNextOption, help: "Seeds to load (default: all).")
    var select: [String] = []

    func run() throws {
        let database = try DatabaseSession(options: options)
        let session = try ProjectSession(root: options.projectRoot, context: CompileContext())
        let connection = try PostgresConnection(try database.connectionString())
        let lock = try database.lockProject(for: "seed")
        defer { lock.release() }
        let results = try SeedRun.run(session: session, connection: connection, only: select)
        if results.isEmpty { Console.print("no seeds to load") }
    }
}

/// Loads seeds one after another (they are small) and prints a line for each.
enum SeedRun {
    static func run(session: ProjectSession, connection: PostgresConnection, only: [String]) throws -> [SeedLoader.Result] {
        let seeds = session.project.seeds.filter { only.isEmpty || only.contains($0.name) }
        var results: [SeedLoader.Result] = []
        for seed in seeds {
            let start = Date()
            let placement = session.compiler.seedPlacements[seed.name] ?? (session.compiler.seedSchema(seed), seed.name)
            let result = try SeedLoader(seed: seed, schema: placement.schema, identifier: placement.identifier,
                                        projectRoot: session.project.root, connection: connection).run()
            Console.print(String(format: "seed   %@ .... [%d rows in %.2fs] %@", result.relation, result.rows, Date().timeIntervalSince(start),
                                 result.columnTypes.map { "\($0.0) \($0.1)" }.joined(separator: ", ")))
            results.append(result)
        }
        return results
    }
}
