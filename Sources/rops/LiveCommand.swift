import ArgumentParser
import Foundation
import Load
import Session

struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Keep the project current: load new files as they land, build what they touched, repeat.",
        discussion: """
        Each cycle appends the files that appeared under the sources' loader paths (each file once, \
        also across restarts: rops_meta.loads), then runs the selected models. Models, seeds and \
        tests whose SQL, config and inputs did not change are skipped, so a cycle runs only what the \
        new rows reach; incremental models take only the new rows. A cycle with no new file builds \
        nothing. Every file and every model is one transaction: a cycle killed at any point is \
        completed by the next run, with the same rows as if it had never stopped.

        Ctrl-C stops after the running cycle; a second Ctrl-C cancels it.
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments
    @Option(help: "Seconds between looks for new files.") var interval = 1.0
    @Option(help: "Stop after this many cycles (0: until Ctrl-C).") var cycles = 0
    @Option(help: ArgumentHelp("Look for new files in this folder, by the file-name part of each loader path.", valueName: "dir"))
    var dir: String?
    @Flag(help: "Run each built model's tests too (as `rops build`).") var withTests = false
    @Flag(help: "Print every model of every cycle, not only the cycle's summary.") var verbose = false
    @Option(help: "Parallel connections (default: project.yml `threads:`, else 4).") var threads: Int?

    func run() throws {
        Interrupts.stopsBetweenCycles = true
        var load = LoadRequest()
        (load.directory, load.threads) = (dir, threads)
        var build = BuildRequest()
        (build.selection, build.vars, build.threads) = (selection.selection, selection.vars, threads)
        (build.withSeeds, build.withTests) = (true, withTests)
        var live = LiveOperation(projectRoot: options.projectRoot, database: try options.database(), load: load, build: build)
        let quiet = QuietReporter(verbose: verbose)
        var failures = 0
        while !Interrupts.stopRequested {
            let cycle = try live.cycle(loadDelegate: quiet, buildDelegate: verbose ? ConsoleReporter() : quiet)
            if let line = Self.summary(cycle) { Console.print(line) }
            if cycle.build?.failed == true || !cycle.failedSources.isEmpty { failures += 1 }
            if Interrupted.now || (cycles > 0 && cycle.number >= cycles) { break }
            let resume = Date().addingTimeInterval(interval)
            while Date() < resume && !Interrupts.stopRequested { Thread.sleep(forTimeInterval: 0.05) }
        }
        if Interrupted.now { throw ExitCode(130) }
        if failures > 0 && cycles > 0 { throw ExitCode(1) }
    }

    /// One line per cycle that did something: what it loaded, what it built, how long it took.
    static func summary(_ cycle: LiveCycle) -> String? {
        guard let build = cycle.build else {
            return cycle.failedSources.isEmpty ? nil : "cycle \(cycle.number): load failed for \(cycle.failedSources.joined(separator: ", "))"
        }
        let built = build.models.filter { $0.status == .success && !$0.unchanged }.count
        var line = String(format: "%@ cycle %d: loaded %d file(s), %d rows in %.2fs; built %d model(s), %d unchanged",
                          Self.clock.string(from: Date()), cycle.number, cycle.loadedFiles.count, cycle.rowsLoaded, cycle.loadSeconds,
                          built, build.unchangedModels)
        if build.models(.error) > 0 { line += ", \(build.models(.error)) failed" }
        if !build.tests.isEmpty { line += ", tests \(build.tests(.pass)) pass / \(build.tests(.fail) + build.tests(.error)) fail" }
        line += String(format: " in %.2fs (cycle %.2fs)", build.seconds, cycle.seconds)
        for failure in build.models where failure.status == .error { line += "\n  error in \(failure.name): \(failure.message)" }
        if !cycle.failedSources.isEmpty { line += "\n  load failed for \(cycle.failedSources.joined(separator: ", "))" }
        return line
    }

    static let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()
}

/// Prints only what a long-running loop should: each loaded file, errors, and (verbose) notes.
struct QuietReporter: OperationDelegate {
    let verbose: Bool
    func handle(_ event: OperationEvent) {
        switch event {
        case .sourceLoaded(let result):
            for file in result.files where !file.skipped {
                Console.print("loaded \(file.file) into \(result.relation): \(file.rowsLoaded) rows" + (file.rowsRejected > 0 ? ", \(file.rowsRejected) rejected" : ""))
            }
        case .sourceFailed(let source, let error): Console.print("load of \(source) failed: \(error)")
        case .note(let text) where verbose: Console.note(text)
        default: break
        }
    }
}
