import ArgumentParser
import Build
import Foundation
import PostgresClient
import Project
import DataTesting

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the data tests declared in YAML and the SQL files under tests/.",
        discussion: """
        Tests of the selected models (all by default) run set-based, on --threads connections. Each \
        prints PASS, WARN, FAIL or ERROR with its failing-row count; a failure prints the query that \
        reproduces it. Exits 1 on any error-severity failure. Compiled tests go to \
        target/compiled/<project>/tests/, results to target/run_results.json and, with --junit, JUnit XML.
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments
    @Option(help: "Parallel connections (default: project threads, else 4).") var threads: Int?
    @Option(help: ArgumentHelp("Also write JUnit XML here, e.g. target/junit.xml.", valueName: "path")) var junit: String?

    func run() throws {
        let start = Date()
        let database = try DatabaseSession(options: options)
        let session = try ProjectSession(root: options.projectRoot, context: try CompileOptions.context(vars: selection.vars))
        let tests = try TestSelection.tests(session: session, selection: selection.selection)
        try TestSelection.writeCompiled(tests, session: session)
        let dsn = try database.connectionString()
        let workers = threads ?? database.projectFile?.threads ?? 4
        Console.print("Running \(tests.count) test\(tests.count == 1 ? "" : "s") with \(workers) thread\(workers == 1 ? "" : "s")")
        let reporter = TestLineReporter(total: tests.count)
        let results = try TestExecutor.runAll(tests, threads: workers, connect: { try PostgresConnection(dsn) }) { _, result in
            reporter.report(result)
        }
        let elapsed = Date().timeIntervalSince(start)
        try TestSelection.writeResults(results, session: session, elapsed: elapsed, junit: junit.map { resolve($0) })
        let counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
        Console.print(String(format: "\nFinished in %.2fs: %d pass, %d warn, %d fail, %d error", elapsed,
                             counts[.pass] ?? 0, counts[.warn] ?? 0, counts[.fail] ?? 0, counts[.error] ?? 0))
        for result in results where result.status == .fail || result.status == .error {
            Console.print("\n\(result.status == .fail ? "FAIL" : "ERROR") \(result.test.name) (\(result.test.file)\(result.test.line.map { ":\($0)" } ?? "")): \(result.message)")
        }
        if ActiveConnections.shared.isInterrupted { throw ExitCode(130) }
        if (counts[.fail] ?? 0) + (counts[.error] ?? 0) > 0 { throw ExitCode(1) }
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// Which tests a selection means, and their artifacts.
enum TestSelection {
    static func tests(session: ProjectSession, selection: SelectionOptions) throws -> [DataTest] {
        let all = try TestCompiler(project: session.project, compiler: session.compiler).compileAll()
        guard !selection.select.isEmpty || !selection.exclude.isEmpty else { return all }
        let selected = Set(try session.selectedModels(selection))
        return all.filter { test in
            if let attached = test.attachedTo, selected.contains(attached) { return true }
            return test.attachedTo == nil && !Set(test.dependsOn).isDisjoint(with: selected)
        }
    }

    static func writeCompiled(_ tests: [DataTest], session: ProjectSession) throws {
        let folder = session.targetPath + "/compiled/" + session.project.file.name + "/tests"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for test in tests { try FileWriter.write(test.sql + "\n", to: folder + "/" + test.name + ".sql") }
    }

    static func json(_ result: TestResult) -> JSONValue {
        .object([("unique_id", .string(result.test.uniqueId)), ("status", .string(result.status.rawValue)),
                 ("failures", .int(result.failures)), ("execution_time", .double(result.seconds)),
                 ("message", .string(result.message)), ("compiled_code", .string(result.test.sql))])
    }

    /// `rops build`'s run_results: the models' results followed by the tests', as `dbt build` writes them.
    static func appendingTests(_ results: [TestResult], to runResults: JSONValue) -> JSONValue {
        guard case .object(let pairs) = runResults else { return runResults }
        return .object(pairs.map { key, value in
            guard key == "results", case .array(let items) = value else { return (key, value) }
            return (key, .array(items + results.map(json)))
        })
    }

    static func writeResults(_ results: [TestResult], session: ProjectSession, elapsed: Double, junit: String?) throws {
        let json = JSONValue.object([
            ("metadata", .object([("generator", .string("rops"))])),
            ("elapsed_time", .double(elapsed)),
            ("results", .array(results.map(Self.json))),
        ])
        try Artifacts.write(json, to: session.targetPath + "/run_results.json")
        if let junit {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: junit).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            try FileWriter.write(JUnitReport.xml(results, elapsed: elapsed), to: junit)
        }
    }
}

final class TestLineReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var done = 0
    init(total: Int) { self.total = total }

    func report(_ result: TestResult) {
        lock.lock(); defer { lock.unlock() }
        done += 1
        let status = result.status.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)
        let dots = String(repeating: ".", count: max(3, 60 - result.test.name.count))
        let detail = result.status == .pass ? "PASS" : result.status == .error ? "ERROR" : "\(result.failures) rows"
        Console.print(String(format: "%d of %d %@ %@ %@ [%@ in %.2fs]", done, total, status, result.test.name, dots, detail, result.seconds))
    }
}
