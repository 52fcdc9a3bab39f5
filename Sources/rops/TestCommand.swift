import ArgumentParser
import Foundation
import Session

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
        var request = TestRequest()
        (request.selection, request.vars, request.threads, request.junit) = (selection.selection, selection.vars, threads, junit)
        let (results, seconds) = try TestOperation(projectRoot: options.projectRoot, database: try options.database(), request: request)
            .run(delegate: ConsoleReporter())
        Summary.tests(results, seconds: seconds)
        if Interrupted.now { throw ExitCode(130) }
        if results.contains(where: { $0.status == .fail || $0.status == .error }) { throw ExitCode(1) }
    }
}
