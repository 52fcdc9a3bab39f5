import ArgumentParser
import Foundation
import Load
import Session

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load raw CSV/JSON files into the sources' raw tables with streaming COPY.",
        discussion: """
        Each source table with a `loader:` block in the YAML is loaded from its files. Records that \
        cannot be loaded (wrong field count, invalid UTF-8, NUL bytes, broken quoting, JSON of the \
        wrong type) go to <schema>.<table>__rejected with file, line, byte offset, reason and raw text; \
        the load goes on. A full load replaces the table atomically, unless the new data holds less than \
        half the table's rows or a JSON file is truncated (then it fails and the table keeps its rows; \
        see --allow-shrink); --append loads only files not \
        loaded before (same path, size and checksum). Every file is recorded in rops_meta.loads.
        """)

    @OptionGroup var options: GlobalOptions
    @Option(name: [.customShort("s"), .customLong("select")], parsing: .upToNextOption,
            help: ArgumentHelp("Sources to load: <source>.<table>, <table> or <source> (default: all with a loader).", valueName: "name"))
    var select: [String] = []
    @Flag(help: "Add only new files to the existing tables instead of replacing them.") var append = false
    @Flag(name: .customLong("allow-shrink"),
          help: "Replace a table even when the new files hold less than half its rows, or a JSON file ends mid-document (truncated). Without it such a load fails and the table keeps its rows.")
    var allowShrink = false
    @Option(help: "Sources loaded at the same time (default: project threads, else 4).") var threads: Int?
    @Flag(help: "Keep watching: append each new file as it lands (each file once, also across restarts), until Ctrl-C.")
    var watch = false
    @Option(help: ArgumentHelp("Look for the files in this folder, by the file-name part of each loader path.", valueName: "dir"))
    var dir: String?
    @Option(help: "With --watch: seconds between looks for new files.") var interval = 1.0

    func run() throws {
        if watch { return try watchFiles() }
        var request = LoadRequest()
        (request.select, request.append, request.allowShrink, request.threads) = (select, append, allowShrink, threads)
        request.directory = dir
        let reporter = ConsoleReporter()
        let (outcomes, seconds) = try SourceLoads(projectRoot: options.projectRoot, database: try options.database(), request: request)
            .run(delegate: reporter)
        reporter.close()
        Summary.load(outcomes, seconds: seconds)
        if Interrupted.now { throw ExitCode(130) }
        if outcomes.contains(where: { if case .failed = $0 { return true } else { return false } }) { throw ExitCode(1) }
    }

    /// `--watch`: appends in a loop; prints a line per loaded file, stops between looks on Ctrl-C.
    func watchFiles() throws {
        Interrupts.stopsBetweenCycles = true
        var request = LoadRequest()
        (request.select, request.append, request.threads, request.directory) = (select, true, threads, dir)
        request.skipSourcesWithoutFiles = true
        let loads = SourceLoads(projectRoot: options.projectRoot, database: try options.database(), request: request)
        Console.note("watching for new files (Ctrl-C stops)…")
        while !Interrupts.stopRequested && !Interrupted.now {
            _ = try loads.run(delegate: QuietReporter(verbose: false))
            let resume = Date().addingTimeInterval(interval)
            while Date() < resume && !Interrupts.stopRequested { Thread.sleep(forTimeInterval: 0.05) }
        }
        if Interrupted.now { throw ExitCode(130) }
    }
}
