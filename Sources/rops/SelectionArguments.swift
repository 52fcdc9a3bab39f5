import ArgumentParser
import Session

/// `-s/--select`, `--exclude` and `--vars`, shared by compile, ls, run and build.
struct SelectionArguments: ParsableArguments {
    @Option(name: [.customShort("s"), .customLong("select")], parsing: .upToNextOption, help: ArgumentHelp(
        "Nodes to include: name, +name (with ancestors), name+ (with descendants), 2+name, tag:x, path:models/staging, config.materialized:table. Spaces: union; commas: intersection.",
        valueName: "selector"))
    var select: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Nodes to leave out (same syntax as --select).", valueName: "selector"))
    var exclude: [String] = []

    @Option(help: ArgumentHelp("Variables for var(), as YAML or JSON: --vars '{start_date: 2019-01-01}'.", valueName: "yaml"))
    var vars: String?

    @Option(help: ArgumentHelp("A previous run's target/ folder (its manifest.json, run_results.json, sources.json) for state:modified, state:new, result:error, source_status:fresher and --defer.", valueName: "dir"))
    var state: String?

    @Flag(name: .customLong("defer"), help: "Refs to models this run does not build, and that do not exist here, read the relations the --state run built.")
    var deferToState = false

    @Option(help: ArgumentHelp("A named selection from selectors.yml (dbt's format).", valueName: "name"))
    var selector: String?

    var selection: SelectionOptions {
        var options = SelectionOptions(select: select, exclude: exclude, state: state, deferToState: deferToState)
        options.selector = selector
        return options
    }

    func validate() throws {
        if deferToState && state == nil { throw ValidationError("--defer needs --state <a previous run's target folder>") }
    }
}
