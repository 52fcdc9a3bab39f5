import Build
import Foundation
import Load
import PostgresClient
import Project

/// `rops seed`, and the first step of `rops build`: the seeds one after another (they are small).
public enum SeedOperation {
    /// `rops seed`: compiles the project (seed schemas can come from config), takes the project's
    /// lock and loads `only` (every seed when empty).
    public static func run(projectRoot: String, database: DatabaseSession, only: [String], vars: String? = nil,
                           delegate: OperationDelegate) throws -> [SeedLoader.Result] {
        var context = try CompileSettings.context(vars: vars)
        context.database = database.targetDatabase
        context.command = "seed"
        let session = try ProjectSession(root: projectRoot, context: context)
        let connection = try database.connect()
        let lock = try database.lockProject(for: "seed")
        defer { lock.release() }
        return try run(session: session, connection: connection, only: only, delegate: delegate)
    }

    public static func run(session: ProjectSession, connection: PostgresConnection, only: [String] = [],
                           delegate: OperationDelegate) throws -> [SeedLoader.Result] {
        let seeds = session.project.seeds.filter { only.isEmpty || only.contains($0.name) }
        var results: [SeedLoader.Result] = []
        for seed in seeds {
            let start = Date()
            let placement = session.compiler.seedPlacements[seed.name] ?? (session.compiler.seedSchema(seed), seed.name)
            if session.compiler.renderedConfig(seed.config["enabled"]).map({ !$0.truthy }) == true { continue }
            let result = try SeedLoader(seed: seed, schema: placement.schema, identifier: placement.identifier,
                                        projectRoot: session.project.root, connection: connection,
                                        dbtSemantics: session.project.file.isDbtProject).run()
            try runHooks(seed, placement: placement, session: session, connection: connection)
            delegate.handle(.seedLoaded(result, seconds: Date().timeIntervalSince(start)))
            results.append(result)
        }
        return results
    }

    /// A seed's `post-hook`s, rendered with `this` as the seed's relation and `execute` true.
    static func runHooks(_ seed: SeedNode, placement: (schema: String, identifier: String), session: ProjectSession,
                         connection: PostgresConnection) throws {
        let hooks = NodeConfig.stringList(seed.config["post_hook"])
        guard !hooks.isEmpty else { return }
        let this = Relation.object(schema: placement.schema, identifier: placement.identifier, type: "table",
                                   database: session.compiler.targetDatabase)
        for hook in hooks {
            let sql = try session.compiler.renderSnippet(hook, file: seed.path, for: nil, extra: ["this": this],
                                                         runQuery: QueryTable.runner(connection))
            if !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { try connection.execute(sql) }
        }
    }
}
