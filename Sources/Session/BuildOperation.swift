import Build
import DataTesting
import Foundation
import Graph
import PostgresClient
import Project
import Template

/// What `rops run` and `rops build` are asked to do.
public struct BuildRequest: Sendable {
    public var selection = SelectionOptions()
    public var vars: String?
    public var threads: Int?
    public var failFast = false
    public var fullRefresh = false
    /// Skip models, seeds and tests whose SQL, config and inputs did not change since they last
    /// built or passed (`BuildLedger`); never with `fullRefresh`.
    public var skipUnchanged = true
    /// Microbatch models: run the batches from / up to these times instead of the planned ones.
    public var eventTimeStart: String?
    public var eventTimeEnd: String?
    /// `rops build`: seeds first, and each model's tests right after it.
    public var withSeeds = false
    public var withTests = false
    /// What to build: models (`rops run`), snapshots (`rops snapshot`), or both (`rops build`).
    public var resourceTypes: Set<ResourceType> = [.model]

    public init() {}
}

/// What a run or build did.
public struct BuildOutcome: Sendable {
    public let models: [NodeResult]
    public let tests: [TestResult]
    public let seconds: Double

    public func models(_ status: NodeResult.Status) -> Int { models.filter { $0.status == status }.count }
    /// Models skipped because nothing they are built from changed.
    public var unchangedModels: Int { models.filter(\.unchanged).count }
    public var unchangedTests: Int { tests.filter(\.unchanged).count }
    public func tests(_ status: TestResult.Status) -> Int { tests.filter { $0.status == status }.count }
    /// True when a model failed or a test failed or errored (warnings do not count).
    public var failed: Bool { models(.error) > 0 || tests.contains { $0.status == .fail || $0.status == .error } }
}

/// One build: compiles the project, takes its lock, loads the seeds, runs the selected models in
/// dependency order on the runner's threads with their tests right after them, and writes
/// `target/manifest.json` and `target/run_results.json`.
public struct BuildOperation {
    let projectRoot: String
    let database: DatabaseSession
    let request: BuildRequest

    public init(projectRoot: String, database: DatabaseSession, request: BuildRequest) {
        self.projectRoot = projectRoot
        self.database = database
        self.request = request
    }

    /// The project's on-run-start / on-run-end hooks, rendered with `execute` true, dbt's `schemas`
    /// (the schemas of the project's models) and, at the end, `results` (each with `node.name`,
    /// `node.unique_id`, `status`, `message`).
    static func runProjectHooks(_ hooks: [String], kind: String, session: ProjectSession, dsn: ConnectionString,
                                results: [NodeResult]) throws {
        guard !hooks.isEmpty else { return }
        let connection = try PostgresConnection(dsn)
        let schemas = Array(Set(session.models.filter { $0.materialization != .ephemeral }.map(\.schema))).sorted()
        let resultValues: [Value] = results.map { result in
            .object(ObjectBox(typeName: "RunResult", attributes: [
                "status": .string(result.status.rawValue), "message": .string(result.message),
                "execution_time": .double(result.seconds),
                "node": .object(ObjectBox(typeName: "Node", attributes: [
                    "name": .string(result.name), "unique_id": .string(result.id), "relation_name": .string(result.relation),
                ])),
            ]))
        }
        for (index, hook) in hooks.enumerated() {
            do {
                let sql = try session.compiler.renderSnippet(hook, file: session.project.file.path, for: nil,
                                                             extra: ["schemas": .list(schemas.map(Value.string)), "results": .list(resultValues)],
                                                             runQuery: QueryTable.runner(connection))
                if !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { _ = try connection.executeScript(sql) }
            } catch {
                throw SessionError("\(kind) hook \(index + 1) (\(URL(fileURLWithPath: session.project.file.path).lastPathComponent)): \(error)")
            }
        }
    }

    /// Models outside the selection whose relation this database lacks, and where the state built them.
    static func deferrals(_ session: ProjectSession, selected: Set<String>, state: String,
                          connection: PostgresConnection) throws -> [String: DeferredRelation] {
        let comparison = try StateComparison(stateDirectory: state, session: session)
        var deferred: [String: DeferredRelation] = [:]
        for model in session.models where !selected.contains(model.uniqueId) && ![.ephemeral, .operation].contains(model.materialization) {
            guard let relation = comparison.relations[model.name] else { continue }
            let exists = try connection.query("select to_regclass($1) is not null as e", [model.relation])[0]["e"].bool ?? false
            if !exists { deferred[model.name] = relation }
        }
        return deferred
    }

    public func run(delegate: OperationDelegate) throws -> BuildOutcome {
        let start = Date()
        let threads = database.threads(request.threads)
        var context = try CompileSettings.context(vars: request.vars, fullRefresh: request.fullRefresh, threads: threads)
        context.database = database.targetDatabase
        context.command = request.withSeeds ? "build" : "run"
        var session = try ProjectSession(root: projectRoot, context: context)
        try Artifacts.ensureWritable(session.targetPath)
        let dsn = try database.connectionString()
        let lock = try database.lockProject(for: request.withSeeds ? "build" : "run")
        defer { lock.release() }
        let ledger = request.skipUnchanged && !request.fullRefresh ? try BuildLedger.load(try PostgresConnection(dsn)) : nil
        if request.withSeeds && !session.project.seeds.isEmpty {
            _ = try SeedOperation.run(session: session, connection: try PostgresConnection(dsn), ledger: ledger, delegate: delegate)
        }
        if request.selection.deferToState, let directory = request.selection.state {
            let deferred = try Self.deferrals(session, selected: Set(try session.selected(request.selection, resourceTypes: request.resourceTypes)),
                                              state: directory, connection: try PostgresConnection(dsn))
            if !deferred.isEmpty {
                delegate.handle(.note("--defer: \(deferred.count) model(s) not built here read the --state run's relations: "
                                      + deferred.keys.sorted().joined(separator: ", ")))
                context.deferred = deferred
                session = try ProjectSession(root: projectRoot, context: context)
            }
        }
        let runner = makeRunner(session, dsn: dsn, threads: threads, delegate: delegate)
        runner.ledger = ledger
        let schedule = request.withTests ? try testSchedule(session, delegate: delegate) : nil
        if let schedule, let ledger { schedule.ledger = (ledger, { runner.inputTokens($0) }) }
        if let schedule { schedule.runUpfrontTests(on: try PostgresConnection(dsn)) }
        if let schedule { runner.afterModel = { model, connection in schedule.runTests(of: model, on: connection) } }
        let selected = Set(try session.selected(request.selection, resourceTypes: request.resourceTypes))
        let ids = runner.closure(of: selected)
        if ids.count > selected.count {
            delegate.handle(.note("also rebuilding \(ids.count - selected.count) dependent view(s)/operation(s) that a replaced relation would leave stale"))
        }
        if ids.isEmpty { delegate.handle(.note("nothing to run: the selection holds no model")) }
        delegate.handle(.starting(kind: "model", count: ids.count, threads: threads, target: dsn.masked))
        try Artifacts.write(Artifacts.manifest(project: session.project, models: session.models, graph: session.graph,
                                               describe: session.compiler.description, macros: session.compiler.macroDependencies), to: session.targetPath + "/manifest.json")
        try Self.runProjectHooks(session.project.file.onRunStart, kind: "on-run-start", session: session, dsn: dsn, results: [])
        let results = try runner.run(ids)
        try Self.runProjectHooks(session.project.file.onRunEnd, kind: "on-run-end", session: session, dsn: dsn, results: results)
        try Artifacts.writeCompiled(results.compactMap { result in
            result.compiledSQL.flatMap { sql in session.model(result.id).map { ($0.model.path, sql) } }
        }, project: session.project, target: session.targetPath)
        let seconds = Date().timeIntervalSince(start)
        let tests = schedule?.results ?? []
        var runResults = Artifacts.runResults(results, elapsed: seconds, arguments: CommandLine.arguments)
        if schedule != nil { runResults = Artifacts.appendingTests(tests, to: runResults) }
        try Artifacts.write(runResults, to: session.targetPath + "/run_results.json")
        return BuildOutcome(models: results, tests: tests, seconds: seconds)
    }

    private func testSchedule(_ session: ProjectSession, delegate: OperationDelegate) throws -> BuildTestSchedule {
        let tests = try TestSelection.tests(session: session, selection: request.selection)
        try Artifacts.writeCompiled(tests, project: session.project, target: session.targetPath)
        delegate.handle(.testsPlanned(count: tests.count))
        return BuildTestSchedule(tests, delegate: delegate)
    }

    private func makeRunner(_ session: ProjectSession, dsn: ConnectionString, threads: Int, delegate: OperationDelegate) -> Runner {
        var options = RunOptions()
        options.threads = threads
        options.failFast = request.failFast
        options.fullRefresh = request.fullRefresh
        options.skipUnchanged = request.skipUnchanged
        (options.eventTimeStart, options.eventTimeEnd) = (request.eventTimeStart, request.eventTimeEnd)
        options.estimatedSeconds = LastRun.seconds(session.targetPath + "/run_results.json")
        return Runner(compiler: session.compiler, graph: session.graph, options: options, reporter: RunEvents(delegate)) {
            try PostgresConnection(dsn)
        }
    }
}

/// The runner's reports as operation events.
final class RunEvents: RunReporter {
    let delegate: OperationDelegate
    init(_ delegate: OperationDelegate) { self.delegate = delegate }
    func started(_ index: Int, of total: Int, model: CompiledModel) {}
    func finished(_ index: Int, of total: Int, result: NodeResult) {
        delegate.handle(.modelFinished(index: index, total: total, result))
    }
}
