import ArgumentParser
import Build
import Foundation
import Project

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Render every model to SQL in target/compiled/ and write target/manifest.json (no database needed).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments

    func run() throws {
        let start = Date()
        let session = try ProjectSession(root: options.projectRoot, context: try CompileOptions.context(vars: selection.vars))
        let selected = try session.selectedModels(selection.selection)
        var folders: Set<String> = []
        for id in selected {
            guard let model = session.model(id) else { continue }
            let path = session.targetPath + "/compiled/" + session.project.file.name + "/" + model.model.path
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if folders.insert(folder).inserted {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            // Plain writes: target/ is scratch space, and atomic renames cost more than the rendering.
            try FileWriter.write(model.compiledSQL, to: path)
        }
        try Artifacts.write(Artifacts.manifest(project: session.project, models: session.models, graph: session.graph, describe: session.compiler.description),
                            to: session.targetPath + "/manifest.json")
        Console.print(String(format: "compiled %d model%@ into %@/compiled in %.2fs", selected.count,
                             selected.count == 1 ? "" : "s", session.project.file.targetPath, Date().timeIntervalSince(start)))
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the project's models (and with --resource-type, sources) with selection.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments
    @Option(help: "name, path, selector (fqn) or json.") var output = "name"
    @Option(name: .customLong("resource-type"), help: "model (default), seed, source or all.") var resourceType = "model"

    func run() throws {
        let session = try ProjectSession(root: options.projectRoot, context: try CompileOptions.context(vars: selection.vars))
        let types: Set<String> = resourceType == "all" ? ["model", "seed", "source"] : [resourceType]
        for id in try session.selected(selection.selection, resourceTypes: types) {
            let node = session.graph.nodes[id]!
            switch output {
            case "path": Console.print(node.path)
            case "selector": Console.print(node.fqn.joined(separator: "."))
            case "json":
                let object: [String: Any] = ["unique_id": id, "name": node.name, "resource_type": node.resourceType,
                                             "path": node.path, "tags": node.tags, "materialized": node.materialized ?? NSNull(),
                                             "depends_on": node.dependsOn]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                Console.print(String(decoding: data, as: UTF8.self))
            default: Console.print(node.resourceType == "source" ? "source:" + node.fqn.dropFirst().joined(separator: ".") : node.resourceType == "seed" ? "seed:" + node.name : node.name)
            }
        }
    }
}

/// Writes a file in place with one fopen/fwrite (FileManager.createFile writes a temporary and renames).
enum FileWriter {
    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != text.utf8.count { throw CLIError("cannot write \(path): disk full?") }
    }
}
