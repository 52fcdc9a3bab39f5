import ArgumentParser
import Docs
import Foundation
import Session
import Project

struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Lineage docs: a static site in target/docs, a local server, and lineage exports.",
        subcommands: [Generate.self, Serve.self, LineageCommand.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write target/manifest.json, target/catalog.json and the site in target/docs/ (opens from the file system).",
            discussion: "The catalog (column types, row estimates, sizes) is read from the database when it is reachable; without one the docs still generate, minus the catalog.")
        @OptionGroup var options: GlobalOptions
        @Flag(name: .customLong("no-catalog"), help: "Do not read the database.") var noCatalog = false

        func run() throws {
            let operation = DocsOperation(projectRoot: options.projectRoot, readCatalog: !noCatalog) { try options.database() }
            let (folder, pages) = try operation.run(delegate: ConsoleReporter())
            Console.print("wrote \(pages) pages to \(folder) (open \(folder)/index.html)")
        }
    }

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve target/docs on http://127.0.0.1:<port> (run `rops docs generate` first).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Port on 127.0.0.1.") var port = 8080

        func run() throws {
            let folder = options.projectRoot + "/target/docs"
            guard FileManager.default.fileExists(atPath: folder + "/index.html") else {
                throw CLIError("no docs in \(folder); run `rops docs generate` first")
            }
            try StaticServer.serve(folder: folder, port: port) { Console.print("serving \(folder) on http://127.0.0.1:\($0)/ (Ctrl-C stops)") }
        }
    }

    struct LineageCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lineage", abstract: "Print the lineage graph as dot, mermaid or json.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "dot, mermaid or json.") var format = "dot"

        func run() throws {
            let session = try ProjectSession(root: options.projectRoot, context: CompileContext())
            let names = session.graph.nodes.mapValues { $0.resourceType == .source ? $0.fqn.dropFirst().joined(separator: ".") : $0.name }
            switch format {
            case "dot": Console.print(LineageExport.dot(session.graph, names: names))
            case "mermaid": Console.print(LineageExport.mermaid(session.graph, names: names))
            case "json": Console.print(LineageExport.json(session.graph))
            default: throw CLIError("--format must be dot, mermaid or json")
            }
        }
    }
}
