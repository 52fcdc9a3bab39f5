import ArgumentParser
import Foundation
import Session

struct SourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Commands about the project's sources.",
        subcommands: [FreshnessCommand.self])
}

struct FreshnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freshness",
        abstract: "Check how recently each source table was loaded, against its freshness: criteria.",
        discussion: """
        A source table with `freshness: {warn_after: {count: 12, period: hour}, error_after: …}` (on \\
        the table or its source; `filter:` narrows the rows) is checked by the newest value of its \\
        `loaded_at_field`; without one, by the last successful `rops load` of the table \\
        (rops_meta.loads). Results go to target/sources.json in dbt's format. Exits 1 when a table \\
        is past error_after or cannot be checked.
        """)

    @OptionGroup var options: GlobalOptions
    @Option(name: [.customShort("s"), .long], parsing: .upToNextOption, help: "Sources to check (source:raw, source:raw.orders); default all.")
    var select: [String] = []
    @Option(parsing: .upToNextOption, help: "Sources to leave out.") var exclude: [String] = []

    func run() throws {
        let results = try FreshnessOperation(projectRoot: options.projectRoot, database: try options.database())
            .run(selection: SelectionOptions(select: select, exclude: exclude)) { result in
                let label = result.status == .pass ? "PASS" : result.status == .warn ? "WARN" : "ERROR"
                Console.print("\(label.padding(toLength: 5, withPad: " ", startingAt: 0)) freshness of \(result.source.sourceName).\(result.source.name): \(result.message)")
            }
        let failed = results.filter { $0.status == .error || $0.status == .runtimeError }.count
        let warned = results.filter { $0.status == .warn }.count
        Console.print("checked \(results.count) source table\(results.count == 1 ? "" : "s"): \(results.count - failed - warned) pass, \(warned) warn, \(failed) error")
        if results.isEmpty { Console.print("no source table has freshness: criteria") }
        if failed > 0 { throw ExitCode(1) }
    }
}
