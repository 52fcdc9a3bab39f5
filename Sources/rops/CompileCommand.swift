import ArgumentParser
import Foundation
import Session

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Render every model to SQL in target/compiled/ and write target/manifest.json (no database needed).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments

    func run() throws {
        let (models, target, seconds) = try CompileOperation.run(projectRoot: options.projectRoot, selection: selection.selection, vars: selection.vars)
        Console.print(String(format: "compiled %d model%@ into %@/compiled in %.2fs", models, models == 1 ? "" : "s", target, seconds))
    }
}
