import ArgumentParser
import Foundation
import Graph
import Session

/// Options of `rops run` and `rops build`.
struct RunArguments: ParsableArguments {
    @Option(help: "Parallel connections (default: project.yml `threads:`, else 4).") var threads: Int?
    @Flag(name: .customLong("fail-fast"), help: "Stop at the first failure and cancel running models.") var failFast = false
    @Flag(name: .customLong("full-refresh"), help: "Rebuild incremental models and materialized views from scratch (and everything else, unchanged or not).") var fullRefresh = false
    @Flag(name: .customLong("skip-unchanged"), inversion: .prefixedNo,
          help: ArgumentHelp("Skip models, seeds and tests whose SQL, config and inputs did not change since they last built or passed.",
                             discussion: "Inputs are the versions of the models and seeds they read, and for sources the last `rops load` and PostgreSQL's write counters. A model can opt out with `skip_unchanged: false` (SQL that reads the clock, say)."))
    var skipUnchanged = true
    @Option(name: .customLong("event-time-start"), help: ArgumentHelp("Microbatch models: run the batches from this date or timestamp (UTC), e.g. 2024-01-01.", valueName: "time"))
    var eventTimeStart: String?
    @Option(name: .customLong("event-time-end"), help: ArgumentHelp("Microbatch models: run the batches up to this date or timestamp (exclusive).", valueName: "time"))
    var eventTimeEnd: String?
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
        try ModelBuild(options: options, selection: selection, arguments: runArguments, withSeedsAndTests: false).run()
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
        try ModelBuild(options: options, selection: selection, arguments: runArguments, withSeedsAndTests: true).run()
    }
}

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Record the history of the selected snapshots (SCD type 2, as dbt's snapshots).",
        discussion: """
        A snapshot is a `{% snapshot name %} select … {% endsnapshot %}` block under snapshots/ (or a YAML \
        `snapshots:` entry with `relation:`), configured with `unique_key`, `strategy: timestamp` and \
        `updated_at`, or `strategy: check` and `check_cols`, and `hard_deletes` (ignore, invalidate, \
        new_record). Each run closes the current row of every key that changed (dbt_valid_to) and adds \
        its new version; the table keeps dbt's columns dbt_scd_id, dbt_updated_at, dbt_valid_from, \
        dbt_valid_to. `rops build` runs snapshots too, in dependency order.
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments
    @OptionGroup var runArguments: RunArguments

    func run() throws {
        try ModelBuild(options: options, selection: selection, arguments: runArguments, withSeedsAndTests: false,
                       resourceTypes: [.snapshot]).run()
    }
}

/// The shared body of run and build: the request from the flags, one `BuildOperation`, the summary.
struct ModelBuild {
    let options: GlobalOptions
    let selection: SelectionArguments
    let arguments: RunArguments
    let withSeedsAndTests: Bool
    var resourceTypes: Set<ResourceType>? = nil

    func run() throws {
        var request = BuildRequest()
        request.resourceTypes = resourceTypes ?? (withSeedsAndTests ? [.model, .snapshot] : [.model])
        (request.selection, request.vars, request.threads) = (selection.selection, selection.vars, arguments.threads)
        (request.failFast, request.fullRefresh, request.skipUnchanged) = (arguments.failFast, arguments.fullRefresh, arguments.skipUnchanged)
        (request.eventTimeStart, request.eventTimeEnd) = (arguments.eventTimeStart, arguments.eventTimeEnd)
        (request.withSeeds, request.withTests) = (withSeedsAndTests, withSeedsAndTests)
        let outcome = try BuildOperation(projectRoot: options.projectRoot, database: try options.database(), request: request)
            .run(delegate: ConsoleReporter())
        Summary.build(outcome, withTests: withSeedsAndTests)
        if Interrupted.now { throw ExitCode(130) }
        if outcome.failed { throw ExitCode(1) }
    }
}
