import ArgumentParser
import Foundation
import Session

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Run a model's compiled SQL and print the first rows (nothing is built).")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The model to preview.") var model: String
    @Option(help: "How many rows.") var limit = 10
    @Option(help: ArgumentHelp("Variables for var(), as YAML or JSON.", valueName: "yaml")) var vars: String?

    func run() throws {
        let (columns, rows) = try Preview.rows(of: model, limit: limit, projectRoot: options.projectRoot, vars: vars, database: try options.database())
        let table = [columns] + rows
        let widths = (0..<columns.count).map { c in min(40, table.map { $0[c].count }.max() ?? 0) }
        for (i, line) in table.enumerated() {
            Console.print(line.enumerated().map { String($1.prefix(40)).padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | "))
            if i == 0 { Console.print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")) }
        }
        Console.print("(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
    }
}
