import DataTesting
import Foundation
import PostgresClient

/// What `rops test` is asked to do.
public struct TestRequest: Sendable {
    public var selection = SelectionOptions()
    public var vars: String?
    public var threads: Int?
    public var junit: String?
    public init() {}
}

/// `rops test`: the selected data tests, set-based on the runner's threads, with
/// `target/run_results.json`, compiled tests and (if asked) JUnit XML.
public struct TestOperation {
    let projectRoot: String
    let database: DatabaseSession
    let request: TestRequest

    public init(projectRoot: String, database: DatabaseSession, request: TestRequest) {
        self.projectRoot = projectRoot
        self.database = database
        self.request = request
    }

    public func run(delegate: OperationDelegate) throws -> (results: [TestResult], seconds: Double) {
        let start = Date()
        var context = try CompileSettings.context(vars: request.vars)
        context.database = database.targetDatabase
        context.command = "test"
        let session = try ProjectSession(root: projectRoot, context: context)
        let tests = try TestSelection.tests(session: session, selection: request.selection)
        try Artifacts.writeCompiled(tests, project: session.project, target: session.targetPath)
        let dsn = try database.connectionString()
        let threads = database.threads(request.threads)
        delegate.handle(.starting(kind: "test", count: tests.count, threads: threads, target: nil))
        let results = try TestExecutor.runAll(tests, threads: threads, connect: { try PostgresConnection(dsn) }) { _, result in
            delegate.handle(.testFinished(result))
        }
        let seconds = Date().timeIntervalSince(start)
        try Artifacts.write(Artifacts.testResults(results, elapsed: seconds), to: session.targetPath + "/run_results.json")
        if let junit = request.junit { try Artifacts.writeJUnit(results, elapsed: seconds, to: junit) }
        return (results, seconds)
    }
}
