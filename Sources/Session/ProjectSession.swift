import Foundation
import Graph
import Project
import Template
import Yams

/// A loaded and compiled project with its graph: what compile, ls, show, run and build share.
public struct ProjectSession {
    public let project: Project
    public let compiler: ProjectCompiler
    public let models: [CompiledModel]
    public let graph: DependencyGraph

    public init(root: String, context: CompileContext) throws {
        let t0 = Date()
        project = try ProjectLoader.load(root: root)
        for warning in project.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        var context = context
        if context.database == nil, project.file.isDbtProject {
            // From the project file already read (a DatabaseSession would read it again).
            let file = project.file
            if let resolved = try? ConnectionResolver.resolve(flag: context.databaseURL, environment: ProcessInfo.processInfo.environment,
                                                               projectRoot: root, projectFile: file) {
                context.database = DatabaseSession.targetDatabase(resolved, projectName: file.name)
            }
        }
        let t1 = Date()
        compiler = try ProjectCompiler(project: project, context: context)
        let t2 = Date()
        models = try compiler.compileAll()
        let t3 = Date()
        graph = try DependencyGraph(Self.graphNodes(project: project, models: models))
        if ProcessInfo.processInfo.environment["ROPS_PROFILE"] != nil {
            FileHandle.standardError.write(Data(String(format: "load %.3fs, parse %.3fs, render %.3fs, graph %.3fs\n", t1.timeIntervalSince(t0),
                                                       t2.timeIntervalSince(t1), t3.timeIntervalSince(t2), Date().timeIntervalSince(t3)).utf8))
        }
    }

    public static func graphNodes(project: Project, models: [CompiledModel]) -> [GraphNode] {
        models.map { model in
            GraphNode(id: model.uniqueId, name: model.name, resourceType: model.model.isSnapshot ? .snapshot : .model, path: model.model.path,
                      fqn: [project.file.name] + model.model.folders + [model.name], tags: model.config.tags,
                      materialized: model.materialized, dependsOn: model.dependsOn)
        } + project.seeds.map { seed in
            GraphNode(id: seed.uniqueId, name: seed.name, resourceType: .seed, path: seed.path,
                      fqn: [project.file.name, seed.name], tags: seed.config.tags, materialized: "seed", dependsOn: [])
        } + project.sources.map { source in
            GraphNode(id: source.uniqueId, name: source.name, resourceType: .source, path: source.file,
                      fqn: [project.file.name, source.sourceName, source.name], tags: [], materialized: nil, dependsOn: [])
        }
    }

    /// Model ids chosen by `--select` (all when empty) minus `--exclude`, in build order.
    public func selectedModels(_ selection: SelectionOptions) throws -> [String] {
        try selected(selection, resourceTypes: [.model])
    }

    /// Node ids of `resourceTypes` chosen by `--select` (all when empty) minus `--exclude`, in build order.
    public func selected(_ selection: SelectionOptions, resourceTypes: Set<ResourceType>) throws -> [String] {
        var selection = selection
        if let name = selection.selector {
            let named = try YAMLSelectors.resolve(name, projectRoot: project.root)
            selection.select += named.select
            selection.exclude += named.exclude
        }
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
            throw SessionError(message)
        }
        let exclude = try Selector(selection.exclude)
        var state: [String: Set<String>] = [:]
        if let used = (select.stateSelectors + exclude.stateSelectors).first {
            guard let directory = selection.state else {
                throw SessionError("the selector '\(used)' compares with a previous run: pass --state <its target folder>")
            }
            let all = select.stateSelectors + exclude.stateSelectors
            state = try StateComparison(stateDirectory: directory, session: self,
                                        needsManifest: all.contains { $0.hasPrefix("state:") }).selectors
        }
        var chosen = select.isEmpty
            ? Set(graph.nodes.values.filter { resourceTypes.contains($0.resourceType) }.map(\.id))
            : select.select(in: graph, resourceTypes: resourceTypes, state: state)
        if !exclude.isEmpty { chosen.subtract(exclude.select(in: graph, resourceTypes: resourceTypes, state: state)) }
        return graph.order.filter(chosen.contains)
    }

    public func model(_ id: String) -> CompiledModel? { NodeID.modelName(id).flatMap { compiler.compiled[$0] } }

    public var targetPath: String { project.root + "/" + project.file.targetPath }
}

/// `-s/--select` and `--exclude`, as dbt users write them.
public struct SelectionOptions: Sendable {
    public var select: [String]
    public var exclude: [String]
    /// `--state DIR`: a previous run's artifacts, for `state:`, `result:` and `source_status:` selectors and `--defer`.
    public var state: String?
    /// `--defer`: refs to models not built now and missing here read the `--state` run's relations.
    public var deferToState = false
    /// `--selector name`: a selection from selectors.yml.
    public var selector: String?

    public init(select: [String] = [], exclude: [String] = [], state: String? = nil, deferToState: Bool = false) {
        self.select = select
        self.exclude = exclude
        self.state = state
        self.deferToState = deferToState
    }

    public var isEmpty: Bool { select.isEmpty && exclude.isEmpty }
}


/// The settings every compile of a project takes from the command line.
public enum CompileSettings {
    /// `--vars '{key: value}'` (YAML or JSON) on top of project.yml's vars, read as the project
    /// file's vars are (`null` is none, `yes` is true).
    public static func context(vars: String?, fullRefresh: Bool = false, threads: Int = 4) throws -> CompileContext {
        var context = CompileContext()
        context.fullRefresh = fullRefresh
        context.threads = threads
        if let vars, !vars.isEmpty {
            let parsed: Node?
            do { parsed = try Yams.compose(yaml: vars) } catch {
                throw SessionError("--vars is not valid YAML or JSON: \(String(describing: error).split(separator: "\n").joined(separator: " ")); "
                                   + "write a mapping, e.g. --vars '{start_date: 2019-01-01}'")
            }
            guard let node = parsed, let mapping = node.mapping else {
                throw SessionError("--vars must be a YAML or JSON mapping, e.g. --vars '{start_date: 2019-01-01}'")
            }
            for (key, value) in mapping { context.cliVars[key.string ?? ""] = YAMLValue.value(value) }
        }
        return context
    }
}
