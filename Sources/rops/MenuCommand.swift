import ArgumentParser
import Foundation

/// `rops menu`: the pipeline's steps offered one keystroke at a time, as the original platform's
/// load-data.py menu did ("run everything" included). Each step runs the same command a user would
/// type, in this process, and a failed step returns to the menu instead of ending it.
struct MenuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menu",
        abstract: "Choose pipeline steps from a menu: run everything, load, build, test, docs, database.",
        discussion: "Reads choices from standard input, so it can also be scripted: printf '1\\nq\\n' | rops menu")

    @OptionGroup var options: GlobalOptions

    struct Step {
        let key: String
        let title: String
        let commands: [[String]]
    }

    var steps: [Step] {
        [
            Step(key: "1", title: "Run everything (start database, load, build with tests, docs)",
                 commands: [["db", "start"], ["load"], ["build"], ["docs", "generate"]]),
            Step(key: "2", title: "Load the raw files (rops load)", commands: [["load"]]),
            Step(key: "3", title: "Build seeds, models and tests (rops build)", commands: [["build"]]),
            Step(key: "4", title: "Run the data tests (rops test)", commands: [["test"]]),
            Step(key: "5", title: "Generate the docs site (rops docs generate)", commands: [["docs", "generate"]]),
            Step(key: "6", title: "Database status (rops db status)", commands: [["db", "status"]]),
            Step(key: "7", title: "Stop the embedded database (rops db stop)", commands: [["db", "stop"]]),
        ]
    }

    func run() throws {
        var shared: [String] = []
        if let projectDir = options.projectDir { shared += ["--project-dir", projectDir] }
        if let url = options.databaseURL { shared += ["--database-url", url] }
        while true {
            printMenu()
            guard let line = readLine() else { return }  // end of input
            let choice = line.trimmingCharacters(in: .whitespaces).lowercased()
            if choice == "q" || choice == "quit" || choice == "exit" { return }
            guard let step = steps.first(where: { $0.key == choice }) else {
                if !choice.isEmpty { Console.print("'\(choice)' is not on the menu; type 1-\(steps.count), or q to quit.") }
                continue
            }
            let start = Date()
            var failed = false
            for arguments in step.commands where !failed {
                Console.print("\n$ rops \(arguments.joined(separator: " "))")
                failed = !runCommand(arguments + shared)
            }
            Console.print(String(format: "\n%@ %@ in %.1fs", failed ? "✗" : "✓", step.title, Date().timeIntervalSince(start)))
            if step.key == "1" && !failed {
                Console.print("dashboard: streamlit run dashboard/app.py  (see README: Dashboard)")
            }
        }
    }

    private func printMenu() {
        Console.print("\nrops — what next?")
        for step in steps { Console.print("  \(step.key)  \(step.title)") }
        Console.print("  q  Quit")
        FileHandle.standardOutput.write(Data("> ".utf8))
    }

    /// Runs `rops <arguments>` in this process; false when it failed (the error is printed).
    private func runCommand(_ arguments: [String]) -> Bool {
        do {
            var command = try Rops.parseAsRoot(arguments)
            try command.run()
            return true
        } catch {
            let code = Rops.reportWithoutExiting(error)
            return code == 0
        }
    }
}
