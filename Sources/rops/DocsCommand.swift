import ArgumentParser
import Build
import Docs
import Foundation
import PostgresClient
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
            let session = try ProjectSession(root: options.projectRoot, context: CompileContext())
            let nodes = DocsInput.nodes(project: session.project, compiler: session.compiler)
            var catalog: [String: CatalogEntry] = [:]
            if !noCatalog {
                do {
                    let connection = try DatabaseSession(options: options).connect()
                    let schemas = Array(Set(nodes.compactMap { node -> String? in
                        guard let dot = node.relation.range(of: "\".\"") else { return nil }
                        return String(node.relation[node.relation.index(after: node.relation.startIndex)..<dot.lowerBound])
                    }))
                    catalog = try CatalogReader.read(connection, schemas: schemas)
                    try Artifacts.write(CatalogReader.json(catalog, nodes: nodes), to: session.targetPath + "/catalog.json")
                } catch {
                    Console.note("note: no catalog (\(UserFacingError.describe(error).split(separator: "\n").first ?? "")); docs without column types and sizes")
                }
            }
            try Artifacts.write(Artifacts.manifest(project: session.project, models: session.models, graph: session.graph, describe: session.compiler.description),
                                to: session.targetPath + "/manifest.json")
            let traced = DocsInput.withColumnLineage(nodes, graph: session.graph, catalog: catalog)
            let input = DocsInput(projectName: session.project.file.name, nodes: traced, graph: session.graph, catalog: catalog,
                                  lastRun: LastRun.read(session.targetPath + "/run_results.json"),
                                  overview: session.project.docs["__overview__"]?.contents)
            let folder = session.targetPath + "/docs"
            let files = try SiteWriter(input: input, folder: folder).write()
            Console.print("wrote \(files.count) pages to \(folder) (open \(folder)/index.html)")
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
            let names = session.graph.nodes.mapValues { $0.resourceType == "source" ? $0.fqn.dropFirst().joined(separator: ".") : $0.name }
            switch format {
            case "dot": Console.print(LineageExport.dot(session.graph, names: names))
            case "mermaid": Console.print(LineageExport.mermaid(session.graph, names: names))
            case "json": Console.print(LineageExport.json(session.graph))
            default: throw CLIError("--format must be dot, mermaid or json")
            }
        }
    }
}

/// Status and time of each node in the last `run_results.json`.
enum LastRun {
    /// The file's top-level object and its `results`, or nil when it is missing or unreadable.
    private static func load(_ path: String) -> (json: [String: Any], results: [[String: Any]])? {
        guard let data = FileManager.default.contents(atPath: path),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let results = json["results"] as? [[String: Any]] else { return nil }
        return (json, results)
    }

    static func read(_ path: String) -> [String: (status: String, at: String)] {
        guard let (json, results) = load(path) else { return [:] }
        let at = ((json["metadata"] as? [String: Any])?["generated_at"] as? String) ?? ""
        var out: [String: (status: String, at: String)] = [:]
        for result in results {
            if let id = result["unique_id"] as? String, let status = result["status"] as? String { out[id] = (status, at) }
        }
        return out
    }

    /// Seconds each node took in the last run (nodes that ran; skipped ones are left out).
    static func seconds(_ path: String) -> [String: Double] {
        guard let (_, results) = load(path) else { return [:] }
        var out: [String: Double] = [:]
        for result in results {
            guard let id = result["unique_id"] as? String, result["status"] as? String != "skipped",
                  let seconds = result["execution_time"] as? Double else { continue }
            out[id] = seconds
        }
        return out
    }
}
