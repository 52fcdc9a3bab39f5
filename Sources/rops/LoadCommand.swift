import ArgumentParser
import Foundation
import Load
import PostgresClient
import Project

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

    func run() throws {
        let start = Date()
        let database = try DatabaseSession(options: options)
        let project = try ProjectLoader.load(root: options.projectRoot)
        var specs = try project.sources.compactMap(LoadSpec.from)
        if !select.isEmpty {
            specs = specs.filter { spec in
                select.contains { $0 == spec.source.name || $0 == spec.source.sourceName || $0 == "\(spec.source.sourceName).\(spec.source.name)" }
            }
        }
        guard !specs.isEmpty else {
            throw CLIError(select.isEmpty ? "no source has a `loader:` block; declare one in a sources: YAML file"
                                          : "no source with a loader matches \(select.joined(separator: " "))")
        }
        let dsn = try database.connectionString()
        let lock = try database.lockProject(for: "load")
        defer { lock.release() }
        // Schemas first, from one connection: concurrent CREATE SCHEMA IF NOT EXISTS can collide.
        let setup = try PostgresConnection(dsn)
        try LoadMetadata.ensure(setup)
        for schema in Set(specs.map(\.source.schema)) { try setup.execute("create schema if not exists \(SQLText.identifier(schema))") }
        let workers = max(1, min(threads ?? database.projectFile?.threads ?? 4, specs.count))
        Console.print("Loading \(specs.count) source\(specs.count == 1 ? "" : "s") with \(workers) thread\(workers == 1 ? "" : "s")\(append ? " (append)" : "")")
        let progress = ProgressBoard()
        let outcomes = OutcomeList()
        let queue = WorkQueue(specs)
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread {
                defer { group.leave() }
                while let spec = queue.next(), !ActiveConnections.shared.isInterrupted {
                    do {
                        let connection = try PostgresConnection(dsn)
                        let result = try SourceLoader(spec: spec, projectRoot: project.root, connection: connection, append: append,
                                                      allowShrink: allowShrink, progress: { progress.update($0) }).run()
                        progress.finish(result)
                        outcomes.add(.success(result))
                    } catch {
                        let name = "\(spec.source.sourceName).\(spec.source.name)"
                        progress.fail(name, error)
                        outcomes.add(.failure(name, error))
                    }
                }
            }.start()
        }
        group.wait()
        progress.close()
        printSummary(outcomes.all, seconds: Date().timeIntervalSince(start))
        if ActiveConnections.shared.isInterrupted { throw ExitCode(130) }
        if outcomes.all.contains(where: { if case .failure = $0 { return true } else { return false } }) { throw ExitCode(1) }
    }

    private func printSummary(_ outcomes: [LoadOutcome], seconds: Double) {
        Console.print("")
        Console.print("source".padding(toLength: 34, withPad: " ", startingAt: 0) + "      loaded    rejected   seconds")
        var loaded = 0, rejected = 0
        for outcome in outcomes {
            switch outcome {
            case .success(let result):
                loaded += result.rowsLoaded
                rejected += result.rowsRejected
                let skipped = result.files.filter(\.skipped).count
                let note = skipped > 0 ? "  (\(skipped) file\(skipped == 1 ? "" : "s") already loaded)" : ""
                Console.print(result.source.padding(toLength: 34, withPad: " ", startingAt: 0)
                              + String(format: "%12d%12d%10.2f", result.rowsLoaded, result.rowsRejected, result.seconds) + note)
            case .failure(let name, let error):
                let firstLine = UserFacingError.describe(error).split(separator: "\n").first.map(String.init) ?? ""
                Console.print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + "      FAILED: " + firstLine)
            }
        }
        Console.print(String(format: "%@%12d%12d%10.2f", "total".padding(toLength: 34, withPad: " ", startingAt: 0), loaded, rejected, seconds))
    }
}

enum LoadOutcome {
    case success(SourceLoadResult)
    case failure(String, Error)
}

final class OutcomeList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [LoadOutcome] = []
    func add(_ item: LoadOutcome) { lock.lock(); items.append(item); lock.unlock() }
    var all: [LoadOutcome] { lock.lock(); defer { lock.unlock() }; return items }
}

final class WorkQueue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T]
    init(_ items: [T]) { self.items = items }
    func next() -> T? { lock.lock(); defer { lock.unlock() }; return items.isEmpty ? nil : items.removeFirst() }
}

/// On a terminal: one line that shows every running source (bytes, rows/s, ETA), rewritten in place.
/// Elsewhere (CI, pipes): a plain log line per source every 10 seconds and when it finishes.
final class ProgressBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var active: [String: (progress: LoadProgress, started: Date)] = [:]
    private var lastLog: [String: Date] = [:]
    private let live = Console.isTerminal

    func update(_ progress: LoadProgress) {
        lock.lock(); defer { lock.unlock() }
        let started = active[progress.source]?.started ?? Date()
        active[progress.source] = (progress, started)
        if live {
            let line = active.keys.sorted().map { describe(active[$0]!.progress, since: active[$0]!.started) }.joined(separator: " | ")
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + String(line.prefix(200))).utf8))
        } else if Date().timeIntervalSince(lastLog[progress.source] ?? started) >= 10 {
            lastLog[progress.source] = Date()
            Console.note(describe(progress, since: started))
        }
    }

    func finish(_ result: SourceLoadResult) {
        lock.lock(); defer { lock.unlock() }
        active[result.source] = nil
        clearLine()
        Console.note(String(format: "loaded %@: %d rows, %d rejected, %.2fs", result.source, result.rowsLoaded, result.rowsRejected, result.seconds))
    }

    func fail(_ source: String, _ error: Error) {
        lock.lock(); defer { lock.unlock() }
        active[source] = nil
        clearLine()
        Console.error("\(source): \(UserFacingError.describe(error))")
    }

    func close() { lock.lock(); clearLine(); lock.unlock() }

    private func clearLine() { if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

    private func describe(_ progress: LoadProgress, since start: Date) -> String {
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Double(progress.rows) / elapsed
        let fraction = progress.bytesTotal > 0 ? Double(progress.bytesDone) / Double(progress.bytesTotal) : 0
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        return String(format: "%@ %.0f/%.0f MB, %d rows, %.0fk rows/s, ETA %.0fs", progress.source,
                      Double(progress.bytesDone) / 1_048_576, Double(progress.bytesTotal) / 1_048_576, progress.rows, rate / 1000, eta)
    }
}
