import ArgumentParser
import Foundation
import Graph
import Session

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the project's models (and with --resource-type, sources) with selection.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: SelectionArguments
    @Option(help: "name, path, selector (fqn) or json.") var output = "name"
    @Option(name: .customLong("resource-type"), help: "model (default), seed, source, snapshot or all.") var resourceType = "model"

    func run() throws {
        let session = try ProjectSession(root: options.projectRoot, context: try CompileSettings.context(vars: selection.vars))
        guard let types: Set<ResourceType> = resourceType == "all" ? [.model, .seed, .source, .snapshot] : ResourceType(rawValue: resourceType).map({ [$0] }) else {
            throw ValidationError("--resource-type must be model, seed, source, snapshot or all")
        }
        for id in try session.selected(selection.selection, resourceTypes: types) {
            let node = session.graph.nodes[id]!
            switch output {
            case "path": Console.print(node.path)
            case "selector": Console.print(node.fqn.joined(separator: "."))
            case "json":
                let object: [String: Any] = ["unique_id": id, "name": node.name, "resource_type": node.resourceType.rawValue,
                                             "path": node.path, "tags": node.tags, "materialized": node.materialized ?? NSNull(),
                                             "depends_on": node.dependsOn]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                Console.print(String(decoding: data, as: UTF8.self))
            default: Console.print(node.resourceType == .source ? "source:" + node.fqn.dropFirst().joined(separator: ".") : node.resourceType == .seed ? "seed:" + node.name : node.name)
            }
        }
    }
}
