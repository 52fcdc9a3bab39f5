import ArgumentParser
import Foundation
import Session

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load seeds/*.csv (small reference data) into typed tables that models can ref().",
        discussion: "Column types come from the seed's `column_types:` config, else are inferred (boolean, bigint, numeric, date, timestamp, text; numbers with leading zeros stay text). Each table is replaced atomically; one whose columns did not change keeps its readers' views.")

    @OptionGroup var options: GlobalOptions
    @Option(name: [.customShort("s"), .customLong("select")], parsing: .upToNextOption, help: "Seeds to load (default: all).")
    var select: [String] = []
    @Option(help: ArgumentHelp("Variables for var(), as YAML or JSON: --vars '{load_extra: true}'.", valueName: "yaml"))
    var vars: String?
    @Flag(name: .customLong("full-refresh"), help: "Load every selected seed, also those whose file and config did not change since their last load.")
    var fullRefresh = false

    func run() throws {
        let results = try SeedOperation.run(projectRoot: options.projectRoot, database: try options.database(), only: select,
                                            vars: vars, reloadUnchanged: fullRefresh, delegate: ConsoleReporter())
        if results.isEmpty { Console.print("no seeds loaded") }
    }
}
