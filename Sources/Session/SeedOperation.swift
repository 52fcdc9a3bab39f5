import Build
import Foundation
import Load
import PostgresClient
import Project

/// `rops seed`, and the first step of `rops build`: the seeds one after another (they are small).
public enum SeedOperation {
    /// `rops seed`: compiles the project (seed schemas can come from config), takes the project's
    /// lock and loads `only` (every seed when empty).
    /// `reloadUnchanged`: load every selected seed, even one whose file and config did not change.
    public static func run(projectRoot: String, database: DatabaseSession, only: [String], vars: String? = nil,
                           reloadUnchanged: Bool = false, delegate: OperationDelegate) throws -> [SeedLoader.Result] {
        var context = try CompileSettings.context(vars: vars)
        context.database = database.targetDatabase
        context.command = "seed"
        let session = try ProjectSession(root: projectRoot, context: context)
        let connection = try database.connect()
        let lock = try database.lockProject(for: "seed")
        defer { lock.release() }
        let ledger = reloadUnchanged ? nil : try BuildLedger.load(connection)
        return try run(session: session, connection: connection, only: only, ledger: ledger, delegate: delegate)
    }

    /// With a `ledger`, a seed whose file, config and place are what they were at its last load is
    /// not loaded again (its table, and so everything built from it, stays as it is).
    public static func run(session: ProjectSession, connection: PostgresConnection, only: [String] = [],
                           ledger: BuildLedger? = nil, delegate: OperationDelegate) throws -> [SeedLoader.Result] {
        let seeds = session.project.seeds.filter { only.isEmpty || only.contains($0.name) }
        var results: [SeedLoader.Result] = []
        let citus = try CitusInfo.detect(connection) != nil
        for seed in seeds {
            let start = Date()
            let placement = session.compiler.seedPlacements[seed.name] ?? (session.compiler.seedSchema(seed), seed.name)
            if session.compiler.renderedConfig(seed.config["enabled"]).map({ !$0.truthy }) == true { continue }
            let relation = Relation.quoted(placement.schema, placement.identifier)
            let fingerprint = try ledger.map { _ in try Self.fingerprint(seed, relation: relation, session: session) }
            if let ledger, let fingerprint, let entry = ledger.isCurrent(NodeID.seed(seed.name), fingerprint: fingerprint, relation: relation) {
                delegate.handle(.note("seed \(relation) unchanged since \(entry.builtAt) (version \(entry.version)): not loaded again"))
                continue
            }
            var loader = SeedLoader(seed: seed, schema: placement.schema, identifier: placement.identifier,
                                    projectRoot: session.project.root, connection: connection,
                                    dbtSemantics: session.project.file.isDbtProject)
            if citus, let distribution = try TableDistribution.of(seed.config, file: seed.path) {
                loader.distribute = { try distribution.apply(to: $0, on: connection) }
            }
            let result = try loader.run()
            try runHooks(seed, placement: placement, session: session, connection: connection)
            if let ledger, let fingerprint {
                try? ledger.record(NodeID.seed(seed.name), fingerprint: fingerprint, relation: relation, keepVersion: false, on: connection)
            }
            delegate.handle(.seedLoaded(result, seconds: Date().timeIntervalSince(start)))
            results.append(result)
        }
        return results
    }

    /// The seed file's bytes, its config and where it goes.
    static func fingerprint(_ seed: SeedNode, relation: String, session: ProjectSession) throws -> String {
        let file = try FileBlocks.checksum(of: session.project.root + "/" + seed.path)
        let config = seed.config.values.keys.sorted().map { "\($0)=\(seed.config.values[$0]!.displayString)" }
        return BuildLedger.digest([file.checksum, String(file.size), config.joined(separator: "\n"), relation,
                                   String(session.project.file.isDbtProject)])
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
