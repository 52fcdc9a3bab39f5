import Foundation
import Graph
import PostgresClient
import Project

/// How one node ended.
public struct NodeResult: Sendable {
    public enum Status: String, Sendable { case success, error, skipped }
    public let id: String
    public let name: String
    public let status: Status
    public let message: String
    public let rowsAffected: Int?
    public let seconds: Double
    public let relation: String
    public let materialized: String
    public let compiledSQL: String?
    /// Skipped because its SQL, config and inputs had not changed since its last build.
    public var unchanged = false
}

/// What the runner tells the CLI while it works (one line per node, a summary at the end).
public protocol RunReporter: AnyObject, Sendable {
    func started(_ index: Int, of total: Int, model: CompiledModel)
    func finished(_ index: Int, of total: Int, result: NodeResult)
}

public struct RunOptions: Sendable {
    public var threads = 4
    public var failFast = false
    public var fullRefresh = false
    /// Skip nodes whose SQL, config and inputs did not change since their last build (`BuildLedger`).
    public var skipUnchanged = true
    /// Microbatch models: the batches to run (`--event-time-start` / `--event-time-end`).
    public var eventTimeStart: String?
    public var eventTimeEnd: String?
    /// Seconds each node took last time (from target/run_results.json); nodes without one count as
    /// one second. They rank ready nodes: the one with the longest remaining path starts first.
    public var estimatedSeconds: [String: Double] = [:]
    public init() {}
}

/// Runs selected models in dependency order on N threads, one connection each: a model starts as soon
/// as all its parents in the run are done; a failure skips its descendants and the rest go on.
public final class Runner: @unchecked Sendable {
    let compiler: ProjectCompiler
    let graph: DependencyGraph
    let models: [String: CompiledModel]
    /// Each node's place in the graph's stable order, for sorting queues and view lists.
    let position: [String: Int]
    let options: RunOptions
    let connect: @Sendable () throws -> PostgresConnection
    let reporter: RunReporter?
    /// Runs after a model builds (`rops build`: its tests); false means an error-severity test failed,
    /// which skips the model's descendants like a failure would.
    public var afterModel: (@Sendable (CompiledModel, PostgresConnection) -> Bool)?
    /// What each node was last built from; loaded at the start of `run` when not given.
    public var ledger: BuildLedger?
    /// The Citus coordinator the run builds on (nil on plain PostgreSQL): models with
    /// `distributed_by` or `reference` become distributed or reference tables.
    public private(set) var citus: CitusInfo?
    private lazy var relationsByNode = compiler.relationsByNode
    private var blocked: Set<String> = []
    /// Heaviest remaining path from each node (estimated seconds): ready nodes start in this order.
    private var priority: [String: Double] = [:]

    private let lock = NSCondition()
    private var remainingParents: [String: Int] = [:]
    private var ready: [String] = []
    private var results: [String: NodeResult] = [:]
    private var running = 0
    private var stopped = false
    private var started = 0
    private var existingRelations: Set<String> = []
    private var ensuredSchemas: Set<String> = []
    private var finishedOrder: [NodeResult] = []
    private var skippedToReport: [NodeResult] = []

    public init(compiler: ProjectCompiler, graph: DependencyGraph, options: RunOptions,
                reporter: RunReporter?, connect: @escaping @Sendable () throws -> PostgresConnection) {
        self.compiler = compiler
        self.graph = graph
        self.models = compiler.compiled.reduce(into: [:]) { $0[$1.value.uniqueId] = $1.value }
        self.position = Dictionary(uniqueKeysWithValues: graph.order.enumerated().map { ($1, $0) })
        self.options = options
        self.reporter = reporter
        self.connect = connect
    }

    /// The nodes a build of `selected` must also run: project views, materialized views and operations
    /// that PostgreSQL drops or leaves stale when a relation they read is replaced.
    public func closure(of selected: Set<String>) -> Set<String> {
        var result = selected
        var frontier = Array(selected)
        while let id = frontier.popLast() {
            for child in graph.children[id] ?? [] where !result.contains(child) {
                guard let dependent = models[child] else { continue }
                if dependent.materialization.followsItsInputs {
                    result.insert(child)
                    frontier.append(child)
                }
            }
        }
        return result
    }

    /// Runs `ids` (model unique ids) and returns their results in the order they finished.
    public func run(_ ids: Set<String>) throws -> [NodeResult] {
        let setup = try connect()
        citus = try CitusInfo.detect(setup)
        if options.skipUnchanged && !options.fullRefresh && ledger == nil { ledger = try BuildLedger.load(setup) }
        let sizes = try Self.relationSizes(setup)
        existingRelations = Set(sizes.keys)
        let inRun = ids.filter { models[$0] != nil }
        for id in inRun {
            remainingParents[id] = Set(graph.parents[id] ?? []).filter { inRun.contains($0) }.count
        }
        let pages = compiler.relationsByNode.compactMapValues { sizes[$0] }.filter { $0.value > 0 }
        let estimates = graph.estimatedSeconds(measured: options.estimatedSeconds, pages: pages)
        priority = graph.remainingPathWeight { id in
            guard inRun.contains(id) else { return 0 }
            return max(estimates[id] ?? 0.01, 0.01)
        }
        ready = graph.order.filter { inRun.contains($0) && remainingParents[$0] == 0 }
        ready.sort(by: runsBefore)
        let total = inRun.count
        try WorkerPool.run(workers: max(1, min(options.threads, total)), connect: connect, next: { [self] in
            nextNode(total: total)
        }, work: { [self] job, connection in
            complete(execute(job.0, index: job.1, total: total, connection: connection), inRun: inRun, total: total)
        }, connectionFailed: { [self] _ in
            lock.lock(); stopped = true; lock.broadcast(); lock.unlock()
        })
        // Old versions of replaced relations that were kept for their readers (a materialized view
        // built on them, say) and are read by nothing now that the run rebuilt those readers.
        try RelationSwap(setup).sweepBackups()
        // Nodes never reached (fail-fast, cancellation) count as skipped.
        for id in graph.order where inRun.contains(id) && results[id] == nil {
            let model = models[id]!
            let result = NodeResult(id: id, name: model.name, status: .skipped, message: "not run (the run stopped)",
                                    rowsAffected: nil, seconds: 0, relation: model.relation,
                                    materialized: model.materialized, compiledSQL: nil)
            finishedOrder.append(result)
            reporter?.finished(0, of: total, result: result)
        }
        return finishedOrder
    }

    private func nextNode(total: Int) -> (String, Int)? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if ActiveConnections.shared.isInterrupted { stopped = true }
            if !stopped, !ready.isEmpty {
                let id = ready.removeFirst()
                running += 1
                started += 1
                return (id, started)
            }
            // Nothing to hand out: done once nothing runs that could release more.
            if running == 0 { return nil }
            lock.wait()
        }
    }

    private func complete(_ result: NodeResult, inRun: Set<String>, total: Int) {
        lock.lock()
        finishedOrder.append(result)
        running -= 1
        results[result.id] = result
        if result.status == .success && !blocked.contains(result.id) {
            for child in graph.children[result.id] ?? [] where inRun.contains(child) && results[child] == nil {
                remainingParents[child]! -= 1
                if remainingParents[child] == 0 { insertReady(child) }
            }
        } else {
            if options.failFast && result.status == .error { stopped = true; ActiveConnections.shared.cancelAll() }
            for descendant in graph.descendants(of: result.id) where inRun.contains(descendant) && results[descendant] == nil {
                let model = models[descendant]!
                let why = result.status == .success ? "tests of '\(result.name)' failed" : "'\(result.name)' failed"
                let skipped = NodeResult(id: descendant, name: model.name, status: .skipped,
                                         message: "skipped: \(why)", rowsAffected: nil, seconds: 0,
                                         relation: model.relation, materialized: model.materialized, compiledSQL: nil)
                results[descendant] = skipped
                finishedOrder.append(skipped)
                skippedToReport.append(skipped)
                ready.removeAll { $0 == descendant }
            }
        }
        let report = skippedToReport
        skippedToReport = []
        lock.broadcast()
        lock.unlock()
        for skipped in report { reporter?.finished(0, of: total, result: skipped) }
    }

    /// Keeps the ready queue ordered: critical path first, then the graph's stable order.
    private func insertReady(_ id: String) {
        ready.append(id)
        ready.sort(by: runsBefore)
    }

    /// Whether ready node `a` should start before `b`. On two cores a heavy model that nothing waits
    /// for (an index, a quarantine table) started first would slow the chain everything else waits for.
    private func runsBefore(_ a: String, _ b: String) -> Bool {
        let pa = priority[a] ?? 0, pb = priority[b] ?? 0
        if pa != pb { return pa > pb }
        return position[a]! < position[b]!
    }

    private func execute(_ id: String, index: Int, total: Int, connection: PostgresConnection) -> NodeResult {
        let model = models[id]!
        reporter?.started(index, of: total, model: model)
        let start = Date()
        let fingerprint = self.fingerprint(of: model)
        if let fingerprint, let entry = ledger?.isCurrent(id, fingerprint: fingerprint, relation: Self.relation(of: model)) {
            var result = NodeResult(id: id, name: model.name, status: .success,
                                    message: "unchanged since \(entry.builtAt) (version \(entry.version)): nothing run",
                                    rowsAffected: nil, seconds: Date().timeIntervalSince(start), relation: model.relation,
                                    materialized: model.materialized, compiledSQL: nil)
            result.unchanged = true
            return finish(result, model, index: index, total: total, connection: connection)
        }
        var sql: String?
        let result: NodeResult
        do {
            try ensureSchema(model.schema, connection)
            let runQuery = QueryTable.runner(connection)
            if model.materialization == .incremental && model.config.incrementalStrategy == "microbatch" {
                let (outcome, last) = try microbatches(model, connection: connection, runQuery: runQuery)
                sql = last
                result = NodeResult(id: id, name: model.name, status: .success, message: outcome.message,
                                    rowsAffected: outcome.rowsAffected, seconds: Date().timeIntervalSince(start),
                                    relation: model.relation, materialized: model.materialized, compiledSQL: last)
                if let fingerprint, let ledger {
                    try? ledger.record(id, fingerprint: fingerprint, relation: Self.relation(of: model), keepVersion: outcome.unchangedData,
                                       fromScratch: outcome.fromScratch, sources: horizons(id), on: connection)
                }
                return finish(result, model, index: index, total: total, connection: connection)
            }
            let reset = resetReason(model)
            let fullRefresh = options.fullRefresh || reset != nil
            let rendered = try compiler.renderForRun(model, existingRelations: existingRelations, fullRefresh: fullRefresh,
                                                     runQuery: runQuery, loadWatermarks: reset == nil ? loadWatermarks(id) : [:])
            sql = rendered
            let hooks = try renderHooks(model, runQuery: runQuery)
            var materializer = Materializer(connection: connection, model: model, sql: rendered,
                                            fullRefresh: fullRefresh || model.config.fullRefresh == true,
                                            dependentViews: try dependentViews(of: id), hooks: hooks)
            try place(&materializer)
            var recorded = false
            if let fingerprint, let ledger {
                // In the build's transaction: an incremental model's new rows and the record of
                // having taken them commit together, so a crash cannot make it take them twice.
                materializer.beforeCommit = { fromScratch in
                    try ledger.record(id, fingerprint: fingerprint, relation: Self.relation(of: model), keepVersion: false,
                                      fromScratch: fromScratch, sources: self.horizons(id), on: connection)
                    recorded = true
                }
            }
            let outcome = try materializer.run()
            var message = outcome.message
            if let reset { message += " (rebuilt in full: \(reset))" }
            result = NodeResult(id: id, name: model.name, status: .success, message: message,
                                rowsAffected: outcome.rowsAffected, seconds: Date().timeIntervalSince(start),
                                relation: model.relation, materialized: model.materialized, compiledSQL: rendered)
            if let fingerprint, let ledger, !recorded {
                // Not fatal: without the record the next build runs this node again.
                try? ledger.record(id, fingerprint: fingerprint, relation: Self.relation(of: model),
                                   keepVersion: outcome.unchangedData, fromScratch: outcome.fromScratch, sources: horizons(id), on: connection)
            }
        } catch {
            result = NodeResult(id: id, name: model.name, status: .error, message: Self.describe(error, model: model),
                                rowsAffected: nil, seconds: Date().timeIntervalSince(start), relation: model.relation,
                                materialized: model.materialized, compiledSQL: sql)
        }
        return finish(result, model, index: index, total: total, connection: connection)
    }

    /// Reports a node's end and, after a success, runs what follows it (`rops build`: its tests);
    /// failing error-severity tests block its descendants.
    private func finish(_ result: NodeResult, _ model: CompiledModel, index: Int, total: Int,
                        connection: PostgresConnection) -> NodeResult {
        reporter?.finished(index, of: total, result: result)
        FaultInjection.reach("model:\(model.name):built")
        if result.status == .success, let afterModel, !afterModel(model, connection) {
            lock.lock(); blocked.insert(result.id); lock.unlock()
        }
        return result
    }

    /// The model's placement on Citus; its config is checked on plain PostgreSQL too, where it
    /// changes nothing.
    private func place(_ materializer: inout Materializer) throws {
        let distribution = try TableDistribution.of(materializer.model.config, file: materializer.model.model.path)
        guard citus != nil else { return }
        materializer.onCitus = true
        materializer.distribution = distribution
    }

    /// The model's pre- and post-hooks, rendered for this run.
    private func renderHooks(_ model: CompiledModel, runQuery: @escaping QueryRunner) throws -> (pre: [String], post: [String]) {
        (pre: try model.config.preHooks.map { try compiler.renderSnippet($0, file: model.model.path, for: model, runQuery: runQuery) },
         post: try model.config.postHooks.map { try compiler.renderSnippet($0, file: model.model.path, for: model, runQuery: runQuery) })
    }

    // MARK: - Microbatch

    /// Runs each batch of a microbatch model in its own transaction (the first creates the table
    /// when it is missing); returns the summed outcome and the last batch's SQL.
    private func microbatches(_ model: CompiledModel, connection: PostgresConnection,
                              runQuery: @escaping QueryRunner) throws -> (MaterializationResult, String) {
        var exists = existingRelations.contains(model.relation) && !options.fullRefresh
        let plan = try MicrobatchPlan(config: model.config, file: model.model.path, existing: exists, now: Date(),
                                      eventTimeStart: options.eventTimeStart, eventTimeEnd: options.eventTimeEnd)
        var rows = 0, last = ""
        for batch in plan.batches {
            if ActiveConnections.shared.isInterrupted { throw PostgresError(kind: .client, message: "cancelled") }
            let known = exists ? existingRelations.union([model.relation]) : existingRelations.subtracting([model.relation])
            let sql = try compiler.renderForRun(model, existingRelations: known, fullRefresh: !exists, runQuery: runQuery,
                                                batch: (batch.startText, batch.endText))
            last = sql
            let hooks = try renderHooks(model, runQuery: runQuery)
            do {
                var materializer = Materializer(connection: connection, model: model, sql: sql, fullRefresh: !exists,
                                                dependentViews: try dependentViews(of: model.uniqueId), hooks: hooks)
                try place(&materializer)
                let outcome = try materializer.run()
                rows += outcome.rowsAffected ?? 0
            } catch {
                let cause = (error as? PostgresError)?.description ?? "\(error)"
                throw ProjectError(file: model.model.path, message: "batch \(batch.startText) to \(batch.endText): \(cause)")
            }
            exists = true
        }
        let span = plan.batches.isEmpty ? "no batch" : "\(plan.batches.count) \(plan.size.rawValue) batch(es) from \(plan.batches[0].startText.prefix(19))"
        var result = MaterializationResult(message: "MICROBATCH \(span): \(rows) rows", rowsAffected: rows)
        result.fromScratch = options.fullRefresh || !existingRelations.contains(model.relation)
        result.unchangedData = rows == 0 && !result.fromScratch
        return (result, last)
    }

    // MARK: - Unchanged nodes

    /// The last loads of the sources when `id` last built, for `load_watermark()`.
    func loadWatermarks(_ id: String) -> [String: Int64] {
        (ledger?.entry(id)?.sources ?? [:]).mapValues(\.load)
    }

    /// Why an incremental model must be rebuilt from scratch although its table exists: a source it
    /// reads was replaced (a full `rops load`) since it last built, or an incremental model it reads
    /// was rebuilt from scratch since. Its rows would otherwise count everything again.
    func resetReason(_ model: CompiledModel) -> String? {
        guard model.materialization == .incremental, let ledger, let entry = ledger.entry(model.uniqueId) else { return nil }
        for parent in expandedParents(model.uniqueId) {
            if let parentModel = models[parent] {
                if parentModel.materialization == .incremental, let parentEntry = ledger.entry(parent),
                   parentEntry.fullVersion > entry.version {
                    return "'\(parentModel.name)' was rebuilt from scratch"
                }
            } else if let relation = relationsByNode[parent], let before = entry.sources[relation],
                      let now = ledger.loadedSources[relation], before.oid != now.oid {
                return "\(relation) was replaced by a full load"
            }
        }
        return nil
    }

    /// How far into each loaded source `id`'s inputs reach now: for a source it reads, its last
    /// load; through a model, what that model reached when it last built (the lowest when several
    /// paths lead to the same source). Recorded with the build, so `load_watermark()` next time
    /// names exactly the loads whose rows this node has taken, whatever a selection left unbuilt.
    func horizons(_ id: String) -> [String: (oid: String, load: Int64)] {
        guard let ledger else { return [:] }
        var result: [String: (oid: String, load: Int64)] = [:]
        for parent in expandedParents(id) {
            let reached: [String: (oid: String, load: Int64)]
            if models[parent] != nil { reached = ledger.entry(parent)?.sources ?? [:] }
            else if let relation = relationsByNode[parent], let now = ledger.loadedSources[relation] { reached = [relation: now] }
            else { continue }
            for (relation, mark) in reached where result[relation].map({ mark.load < $0.load }) ?? true { result[relation] = mark }
        }
        return result
    }

    /// Parents, with ephemeral models replaced by their own parents.
    func expandedParents(_ id: String) -> [String] {
        (graph.parents[id] ?? []).flatMap { parent -> [String] in
            models[parent]?.materialization == .ephemeral ? expandedParents(parent) : [parent]
        }
    }

    /// The relation a model's ledger entry pins (none for operations and ephemeral models).
    static func relation(of model: CompiledModel) -> String? {
        [.operation, .ephemeral].contains(model.materialization) ? nil : model.relation
    }

    /// What `model` would be built from now, or nil when it must run whatever its inputs.
    func fingerprint(of model: CompiledModel) -> String? {
        guard options.skipUnchanged, !options.fullRefresh, ledger != nil,
              model.config["skip_unchanged"]?.truthy ?? true,
              // Reads nothing it declares: what it reads (a table named in its SQL) is unknown.
              !(graph.parents[model.uniqueId] ?? []).isEmpty else { return nil }
        let config = model.config.values.keys.sorted().map { "\($0)=\(model.config.values[$0]!.displayString)" }
        return BuildLedger.digest([model.materialized, model.compiledSQL, config.joined(separator: "\n"),
                                   inputTokens(graph.parents[model.uniqueId] ?? [], identityOnly: model.materialization == .view)])
    }

    /// The versions of `ids` (models, seeds, sources) as one string. `identityOnly`: a view reads its
    /// inputs when it is queried, so only which relations they are matters, not their data.
    public func inputTokens(_ ids: [String], identityOnly: Bool = false) -> String {
        ids.sorted().map { id -> String in
            if let parent = models[id], parent.materialization == .ephemeral {
                return "\(id)(\(inputTokens(graph.parents[id] ?? [], identityOnly: identityOnly)))"
            }
            if let entry = ledger?.entry(id) {
                return identityOnly && entry.oid != nil ? "\(id)@\(entry.oid!)" : "\(id)#\(entry.version)"
            }
            if models[id] != nil { return "\(id)=unbuilt" }
            guard let relation = relationsByNode[id], let mark = ledger?.relation(relation) else { return "\(id)=missing" }
            return identityOnly ? "\(id)@\(mark.oid)" : "\(id)~\(mark.token)"
        }.joined(separator: ",")
    }

    static func describe(_ error: Error, model: CompiledModel) -> String {
        if let error = error as? PostgresError {
            if error.isCancellation { return "cancelled" }
            return "\(model.model.path): \(error.description)"
        }
        return "\(error)"
    }

    /// Project views reading `id` through a chain of views, parents first.
    private func dependentViews(of id: String) throws -> [(relation: String, sql: String)] {
        guard let model = models[id], model.materialization.isSwappedIn else { return [] }
        var views: [String] = []
        var frontier = [id]
        var seen: Set<String> = []
        while let current = frontier.popLast() {
            for child in graph.children[current] ?? [] where seen.insert(child).inserted {
                if models[child]?.materialization == .view { views.append(child); frontier.append(child) }
            }
        }
        return try views.sorted { position[$0]! < position[$1]! }.map { child in
            let view = models[child]!
            let sql = try compiler.renderForRun(view, existingRelations: existingRelations, fullRefresh: options.fullRefresh)
            return (view.relation, SQLCleanup.trimSemicolons(sql))
        }
    }

    private func ensureSchema(_ schema: String, _ connection: PostgresConnection) throws {
        lock.lock()
        let done = ensuredSchemas.contains(schema)
        lock.unlock()
        guard !done else { return }
        do {
            try connection.execute("create schema if not exists \(SQLText.identifier(schema))")
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation || error.sqlState == "42P06" {
            // Another thread created it at the same moment.
        }
        lock.lock(); ensuredSchemas.insert(schema); lock.unlock()
    }

    /// Every relation in the database with its size in pages (0 for views, and for tables never
    /// analysed or vacuumed).
    static func relationSizes(_ connection: PostgresConnection) throws -> [String: Double] {
        let rows = try connection.query("""
            select n.nspname as schema, c.relname as name, greatest(c.relpages, 0)::float8 as pages
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'v', 'm', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
            """)
        var sizes: [String: Double] = [:]
        for row in rows { sizes[Relation.quoted(row["schema"].string!, row["name"].string!)] = row["pages"].double ?? 0 }
        return sizes
    }

}

/// Model SQL is wrapped in `create … as (…)` and subqueries: trailing semicolons must go.
public enum SQLCleanup {
    public static func trimSemicolons(_ sql: String) -> String {
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        return text
    }
}
