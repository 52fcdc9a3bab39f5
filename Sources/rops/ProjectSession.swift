import Foundation
import Graph
import Project
import Template
import Yams

/// A loaded and compiled project with its graph: what compile, ls, show, run and build share.
struct ProjectSession {
    let project: Project
    let compiler: ProjectCompiler
    let models: [CompiledModel]
    let graph: DependencyGraph

    init(root: String, context: CompileContext) throws {
        let t0 = Date()
        project = try ProjectLoader.load(root: root)
        let t1 = Date()
        compiler = try ProjectCompiler(project: project, context: context)
        let t2 = Date()
        models = try compiler.compileAll()
        let t3 = Date()
        graph = try DependencyGraph(Self.graphNodes(project: project, models: models))
        if ProcessInfo.processInfo.environment["ROPS_PROFILE"] != nil {
            Console.note(String(format: "load %.3fs, parse %.3fs, render %.3fs, graph %.3fs", t1.timeIntervalSince(t0),
                                t2.timeIntervalSince(t1), t3.timeIntervalSince(t2), Date().timeIntervalSince(t3)))
        }
    }

    static func graphNodes(project: Project, models: [CompiledModel]) -> [GraphNode] {
        models.map { model in
            GraphNode(id: "model.\(model.name)", name: model.name, resourceType: "model", path: model.model.path,
                      fqn: [project.file.name] + model.model.folders + [model.name], tags: model.config.tags,
                      materialized: model.materialized, dependsOn: model.dependsOn)
        } + project.seeds.map { seed in
            GraphNode(id: seed.uniqueId, name: seed.name, resourceType: "seed", path: seed.path,
                      fqn: [project.file.name, seed.name], tags: seed.config.tags, materialized: "seed", dependsOn: [])
        } + project.sources.map { source in
            GraphNode(id: source.uniqueId, name: source.name, resourceType: "source", path: source.file,
                      fqn: [project.file.name, source.sourceName, source.name], tags: [], materialized: nil, dependsOn: [])
        }
    }

    /// Model ids chosen by `--select` (all when empty) minus `--exclude`, in build order.
    func selectedModels(_ selection: SelectionOptions) throws -> [String] {
        try selected(selection, resourceTypes: ["model"])
    }

    /// Node ids of `resourceTypes` chosen by `--select` (all when empty) minus `--exclude`, in build order.
    func selected(_ selection: SelectionOptions, resourceTypes: Set<String>) throws -> [String] {
        let select = try Selector(selection.select)
        // A selector that matches nothing at all is a typo far more often than an intended empty
        // run: fail and say so (dbt only warns and exits 0). An empty intersection of real nodes
        // is not an error.
        if let unmatched = select.unmatched(in: graph).first {
            var message = "the selector '\(unmatched)' matches no node in the project"
            if let suggestion = closest(unmatched.trimmingCharacters(in: CharacterSet(charactersIn: "+@0123456789")),
                                        among: graph.nodes.values.map(\.name)) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw CLIError(message)
        }
        var chosen = select.isEmpty
            ? Set(graph.nodes.values.filter { resourceTypes.contains($0.resourceType) }.map(\.id))
            : select.select(in: graph, resourceTypes: resourceTypes)
        let exclude = try Selector(selection.exclude)
        if !exclude.isEmpty { chosen.subtract(exclude.select(in: graph, resourceTypes: resourceTypes)) }
        return graph.order.filter(chosen.contains)
    }

    func model(_ id: String) -> CompiledModel? { compiler.compiled[String(id.dropFirst("model.".count))] }

    var targetPath: String { project.root + "/" + project.file.targetPath }
}

/// `-s/--select` and `--exclude`, as dbt users write them.
struct SelectionOptions {
    var select: [String]
    var exclude: [String]
}


/// Options of commands that compile a project.
enum CompileOptions {
    /// `--vars '{key: value}'` (YAML or JSON) on top of project.yml's vars.
    static func context(vars: String?, fullRefresh: Bool = false, threads: Int = 4) throws -> CompileContext {
        var context = CompileContext()
        context.fullRefresh = fullRefresh
        context.threads = threads
        if let vars, !vars.isEmpty {
            let parsed: Node?
            do { parsed = try Yams.compose(yaml: vars) } catch {
                throw CLIError("--vars is not valid YAML or JSON: \(String(describing: error).split(separator: "\n").joined(separator: " ")); "
                               + "write a mapping, e.g. --vars '{start_date: 2019-01-01}'")
            }
            guard let node = parsed, let mapping = node.mapping else {
                throw CLIError("--vars must be a YAML or JSON mapping, e.g. --vars '{start_date: 2019-01-01}'")
            }
            for (key, value) in mapping { context.cliVars[key.string ?? ""] = yamlValue(value) }
        }
        return context
    }

    private static func yamlValue(_ node: Node) -> Value {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if let i = Int(scalar.string) { return .int(i) }
                if let d = Double(scalar.string) { return .double(d) }
                if scalar.string == "true" { return .bool(true) }
                if scalar.string == "false" { return .bool(false) }
            }
            return .string(scalar.string)
        case .sequence(let sequence): return .list(sequence.map(yamlValue))
        case .mapping(let mapping): return .dict(mapping.map { ($0.key.string ?? "", yamlValue($0.value)) })
        case .alias: return .none
        }
    }
}
