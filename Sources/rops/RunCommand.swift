import ArgumentParser
import Build
import Foundation
import PostgresClient
import Project
import DataTesting

/// Options of `rops run` and `rops build`.
struct RunArguments: ParsableArguments {
    @Option(help: "Parallel connections (default: project.yml `threads:`, else 4).") var threads: Int?
    @Flag(name: .customLong("fail-fast"), help: "Stop at the first failure and cancel running models.") var failFast = false
    @Flag(name: .customLong("full-refresh"), help: "Rebuild incremental models and materialized views from scratch.") var fullRefresh = false
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Build the selected models in dependency order, in parallel (no seeds, no tests).",
        discussion: "A failing model skips its descendants; the others still build. Exits 1 if any model failed. Results go to target/run_results.json.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments
    @OptionGroup var runArguments: RunArguments

    func run() throws {
        try ModelRun(options: options, selection: selection, arguments: runArguments).execute()
    }
}

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the project: seeds, then models in dependency order, each model's tests right after it.",
        discussion: "A failing error-severity test skips the descendants of the model it guards. Exits 1 on any model error or test failure.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments
    @OptionGroup var runArguments: RunArguments

    func run() throws {
        try ModelRun(options: options, selection: selection, arguments: runArguments, withTests: true, withSeeds: true).execute()
    }
}

/// The shared body of run and build.
struct ModelRun {
    let options: GlobalOptions
    let selection: SelectionArguments
    let arguments: RunArguments
    var withTests = false
    var withSeeds = false

    func execute() throws {
        let start = Date()
        let database = try DatabaseSession(options: options)
        let threads = arguments.threads ?? database.projectFile?.threads ?? 4
        let session = try ProjectSession(root: options.projectRoot, context: try CompileOptions.context(
            vars: selection.vars, fullRefresh: arguments.fullRefresh, threads: threads))
        try Artifacts.ensureWritable(session.targetPath)
        let dsn = try database.connectionString()
        let lock = try database.lockProject(for: withSeeds ? "build" : "run")
        defer { lock.release() }
        if withSeeds && !session.project.seeds.isEmpty {
            _ = try SeedRun.run(session: session, connection: try PostgresConnection(dsn), only: [])
        }
        var runOptions = RunOptions()
        runOptions.threads = threads
        runOptions.failFast = arguments.failFast
        runOptions.fullRefresh = arguments.fullRefresh
        runOptions.estimatedSeconds = LastRun.seconds(session.targetPath + "/run_results.json")
        let reporter = LineReporter()
        let runner = Runner(compiler: session.compiler, graph: session.graph, options: runOptions, reporter: reporter) {
            try PostgresConnection(dsn)
        }
        let testRun = withTests ? try BuildTests(session: session, selection: selection.selection) : nil
        if let testRun { testRun.runUpfrontTests(on: try PostgresConnection(dsn)) }
        if let testRun { runner.afterModel = { model, connection in testRun.runTests(of: model, on: connection) } }
        let selected = Set(try session.selectedModels(selection.selection))
        let ids = runner.closure(of: selected)
        if ids.count > selected.count {
            Console.note("also rebuilding \(ids.count - selected.count) dependent view(s)/operation(s) that a replaced relation would leave stale")
        }
        if ids.isEmpty { Console.note("nothing to run: the selection holds no model") }
        Console.print("Running \(ids.count) model\(ids.count == 1 ? "" : "s") with \(threads) thread\(threads == 1 ? "" : "s") on \(dsn.masked)")
        try Artifacts.write(Artifacts.manifest(project: session.project, models: session.models, graph: session.graph, describe: session.compiler.description),
                            to: session.targetPath + "/manifest.json")
        let results = try runner.run(ids)
        let elapsed = Date().timeIntervalSince(start)
        var runResults = Artifacts.runResults(results, elapsed: elapsed, arguments: CommandLine.arguments)
        if let testRun { runResults = TestSelection.appendingTests(testRun.results, to: runResults) }
        try Artifacts.write(runResults, to: session.targetPath + "/run_results.json")
        let count = { (status: NodeResult.Status) in results.filter { $0.status == status }.count }
        var testsFailed = 0
        if let testRun {
            let testResults = testRun.results
            testsFailed = testResults.filter { $0.status == .fail || $0.status == .error }.count
            Console.print(String(format: "\nTests: %d pass, %d warn, %d fail, %d error, %d skipped", testResults.filter { $0.status == .pass }.count,
                                 testResults.filter { $0.status == .warn }.count, testResults.filter { $0.status == .fail }.count,
                                 testResults.filter { $0.status == .error }.count, testResults.filter { $0.status == .skipped }.count))
            for result in testResults where result.status == .fail || result.status == .error {
                Console.print("\n\(result.status == .fail ? "FAIL" : "ERROR") \(result.test.name): \(result.message)")
            }
        }
        Console.print(String(format: "\nFinished in %.2fs: %d ok, %d error, %d skipped", elapsed, count(.success), count(.error), count(.skipped)))
        for failure in results where failure.status == .error {
            Console.print("\nerror in \(failure.name):\n  " + failure.message.replacingOccurrences(of: "\n", with: "\n  "))
        }
        if ActiveConnections.shared.isInterrupted { throw ExitCode(130) }
        if count(.error) > 0 || testsFailed > 0 { throw ExitCode(1) }
    }
}

/// One line per finished node: `12:00:01  3 of 9 OK     table   staging.stg_users ..... [SELECT 2000 in 0.12s]`.
final class LineReporter: RunReporter, @unchecked Sendable {
    private let lock = NSLock()
    private let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()

    func started(_ index: Int, of total: Int, model: CompiledModel) {}

    func finished(_ index: Int, of total: Int, result: NodeResult) {
        let status: String
        switch result.status {
        case .success: status = "OK"
        case .error: status = "ERROR"
        case .skipped: status = "SKIP"
        }
        let label = "\(result.materialized) \(result.relation)"
        let dots = String(repeating: ".", count: max(3, 60 - label.count))
        let detail = result.status == .success ? result.message : result.status == .error ? "ERROR" : result.message
        let position = index > 0 ? "\(index) of \(total)" : "- of \(total)"
        let line = String(format: "%@  %@ %@ %@ %@ [%@ in %.2fs]", clock.string(from: Date()), position,
                          status.padding(toLength: 5, withPad: " ", startingAt: 0), label, dots, detail, result.seconds)
        lock.lock()
        Console.print(line)
        lock.unlock()
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Run a model's compiled SQL and print the first rows (nothing is built).")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The model to preview.") var model: String
    @Option(help: "How many rows.") var limit = 10
    @Option(help: ArgumentHelp("Variables for var(), as YAML or JSON.", valueName: "yaml")) var vars: String?

    func run() throws {
        let session = try ProjectSession(root: options.projectRoot, context: try CompileOptions.context(vars: vars))
        guard let compiled = session.compiler.compiled[model] else {
            var message = "no model named '\(model)'"
            if let suggestion = closest(model, among: session.compiler.compiled.keys) { message += "; did you mean '\(suggestion)'?" }
            throw CLIError(message)
        }
        let connection = try DatabaseSession(options: options).connect()
        let sql = SQLCleanup.trimSemicolons(compiled.compiledSQL)
        let rows = try connection.query("select * from (\n\(sql)\n) as rops_show limit $1", [limit])
        let columns = rows.first?.columns ?? []
        var table = [columns]
        table += rows.map { $0.values.map { $0.string ?? "NULL" } }
        let widths = (0..<columns.count).map { c in min(40, table.map { $0[c].count }.max() ?? 0) }
        for (i, line) in table.enumerated() {
            Console.print(line.enumerated().map { String($1.prefix(40)).padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | "))
            if i == 0 { Console.print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")) }
        }
        Console.print("(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
    }
}


/// `rops build`: a test runs as soon as every model it reads is built (usually right after the
/// model it is declared on), on the builder's connection. A failing error-severity test stops the
/// descendants of the model it guards.
final class BuildTests: @unchecked Sendable {
    private let tests: [DataTest]
    /// Tests of seeds and sources alone: they run once the seeds are loaded, before any model.
    private let upfront: [DataTest]
    private let lock = NSLock()
    private var built: Set<String> = []
    private var started: Set<String> = []
    private var collected: [TestResult] = []
    private let reporter: TestLineReporter

    init(session: ProjectSession, selection: SelectionOptions) throws {
        let all = try TestSelection.tests(session: session, selection: selection)
        try TestSelection.writeCompiled(all, session: session)
        tests = all.filter { test in test.dependsOn.contains { $0.hasPrefix("model.") } }
        upfront = all.filter { test in !test.dependsOn.contains { $0.hasPrefix("model.") } }
        reporter = TestLineReporter(total: all.count)
    }

    /// Results, with tests whose models never all built reported as skipped.
    var results: [TestResult] {
        lock.lock(); defer { lock.unlock() }
        let skipped = tests.filter { !started.contains($0.uniqueId) }.map {
            TestResult(test: $0, status: .skipped, failures: 0, seconds: 0, message: "skipped: a model it reads was not built")
        }
        return collected + skipped
    }

    /// Runs the tests that read no model (seeds and sources only).
    func runUpfrontTests(on connection: PostgresConnection) {
        for result in TestExecutor.runScreened(upfront, on: connection) {
            reporter.report(result)
            lock.lock(); collected.append(result); lock.unlock()
        }
    }

    /// Runs the tests that `model` completes; false when one with error severity failed.
    func runTests(of model: CompiledModel, on connection: PostgresConnection) -> Bool {
        lock.lock()
        built.insert("model.\(model.name)")
        let ready = tests.filter { test in
            !started.contains(test.uniqueId) && test.dependsOn.contains("model.\(model.name)")
                && test.dependsOn.filter { $0.hasPrefix("model.") }.allSatisfy(built.contains)
        }
        for test in ready { started.insert(test.uniqueId) }
        lock.unlock()
        var passed = true
        for (test, result) in zip(ready, TestExecutor.runScreened(ready, on: connection)) {
            reporter.report(result)
            lock.lock(); collected.append(result); lock.unlock()
            if (result.status == .fail || result.status == .error) && test.attachedTo == "model.\(model.name)" { passed = false }
        }
        return passed
    }
}
