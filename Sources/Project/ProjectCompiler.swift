import Foundation
import Template

/// Renders every model (twice: once to learn its `config()` and `ref()`s, once with the final relation
/// names), checks references, and inlines ephemeral models as CTEs.
public final class ProjectCompiler {
    public let project: Project
    /// dbt projects render names nothing defines as dbt-core does (Jinja's default `Undefined`:
    /// empty when printed, false, an empty loop; an error when called or looked into). rops
    /// projects fail on them, with the file and line, so a typo never compiles to empty SQL.
    var templateOptions: TemplateOptions { TemplateOptions(strictUndefined: !project.file.isDbtProject) }
    let context: CompileContext
    private var templates: [String: Template] = [:]
    private var macros: MacroLibrary!
    /// dbt's built-in macros (GlobalMacros): below the project's own macros, and as `dbt.<name>`.
    /// Kept here because the functions in `cachedGlobals` refer to it weakly.
    private var globals: MacroLibrary!
    private var cachedBase: [String: Value]?
    private var cachedOffline: [String: Value]?
    private var cachedMacros: [String: Value] = [:]
    private var cachedGlobals: [String: Value] = [:]
    /// Each installed package's macros by package name (called as `package.macro()`).
    private var packageMacros: [String: [String: Value]] = [:]
    private var packageLibraries: [MacroLibrary] = []
    /// `dbt`: filled with the global macros once they are parsed (they may call each other through it).
    private let dbtNamespace = ObjectBox(typeName: "dbt")
    /// One namespace object per project (the root and each package), filled once its macros are parsed.
    private var namespaces: [String: ObjectBox] = [:]
    public private(set) var compiled: [String: CompiledModel] = [:]
    /// The compiled models before ephemeral CTEs were put in (what gets injected into readers).
    private var preInjected: [String: CompiledModel] = [:]
    /// Seed name → where `rops seed` puts it.
    public private(set) var seedPlacements: [String: (schema: String, identifier: String)] = [:]
    /// Descriptions as written in YAML → as shown (their `{{ doc('…') }}` and other Jinja rendered).
    private var renderedDescriptions: [String: String] = [:]
    private var renderedSchemas: [String: String] = [:]
    private let modelsByName: [String: ModelNode]
    private let seedsByName: [String: SeedNode]
    /// The database dbt projects name in their relations (`"db"."schema"."name"`, as dbt-postgres renders them).
    public var targetDatabase: String? { project.file.isDbtProject ? context.database : nil }
    /// dbt's prefix for ephemeral models' CTEs; rops projects use their own.
    static let dbtCTEPrefix = "__dbt__cte__"

    public init(project: Project, context: CompileContext = CompileContext()) throws {
        self.project = project
        self.context = context
        var byName: [String: ModelNode] = [:]
        for model in project.models { byName[model.name] = model }
        self.modelsByName = byName
        var seeds: [String: SeedNode] = [:]
        for seed in project.seeds { seeds[seed.name] = seed }
        self.seedsByName = seeds
        for name in [project.file.name] + project.packages.map(\.name) where namespaces[name] == nil {
            namespaces[name] = ObjectBox(typeName: "Namespace")
        }
        for model in project.models {
            // dbt strips the model file's surrounding whitespace before rendering.
            templates[model.name] = try Template(source: model.rawSQL.trimmingCharacters(in: .whitespacesAndNewlines), file: model.path, options: templateOptions)
        }
        globals = try MacroLibrary(templates: [try Template(source: GlobalMacros.source, file: GlobalMacros.file, options: templateOptions)], context: baseContext())
        cachedGlobals = globals.functions
        dbtNamespace.attributes = cachedGlobals
        let libraryContext = baseContext().merging(cachedGlobals) { host, _ in host }
        let filesByPackage = Dictionary(grouping: project.macroFiles) { $0.package.isEmpty ? project.file.name : $0.package }
        func library(_ package: String) throws -> MacroLibrary {
            let templates = try (filesByPackage[package] ?? []).map { try Template(source: $0.source, file: $0.path, options: templateOptions) }
            for template in templates { names[template.file] = template.macroNames }
            return try MacroLibrary(templates: templates, context: libraryContext)
        }
        var names: [String: [String]] = [:]
        macros = try library(project.file.name)
        cachedMacros = macros.functions
        namespaces[project.file.name]?.attributes = cachedMacros
        for package in project.packages where package.name != project.file.name {
            let packageLibrary = try library(package.name)
            packageLibraries.append(packageLibrary)
            packageMacros[package.name] = packageLibrary.functions
            namespaces[package.name]?.attributes = packageMacros[package.name] ?? [:]
        }
        macroDependencies = MacroDependencies(project: project, macroNames: names)
    }

    /// The project's and packages' macros, and which of them each node's SQL reaches.
    public private(set) var macroDependencies: MacroDependencies!

    /// Host functions and macros for one render: the shared ones plus `specific` (ref, this, …), then
    /// the project's macros, then dbt's global macros where the project defines none of that name.
    private func renderContext(_ specific: [String: Value]) -> [String: Value] {
        var host = baseContext()
        host.merge(specific) { $1 }
        if host["adapter"] == nil { host.merge(nodeFunctions(database: nil)) { a, _ in a } }
        // dbt's `builtins`: the node's own ref, source and config, for a project macro of the same
        // name that wraps them (`{% macro ref(name) %}{{ return(builtins.ref(name)) }}{% endmacro %}`);
        // such a project macro wins over the built-in.
        let builtins = ["ref", "source", "config"].compactMap { name in host[name].map { (name, $0) } }
        host["builtins"] = .dict(builtins)
        for (name, _) in builtins { if let overriding = cachedMacros[name] { host[name] = overriding } }
        host.merge(cachedMacros) { a, _ in a }
        host.merge(cachedGlobals) { a, _ in a }
        // dbt's `context`: the render's names as a mapping (`context['my_macro']`); shares storage with `host`.
        let context = ObjectBox(typeName: "Context", attributes: host)
        context.isMapping = true
        host["context"] = .object(context)
        return host
    }

    /// A config value written with Jinja in YAML (`+enabled: "{{ var('load_extra') }}"`), rendered
    /// as dbt renders project and properties configs; `True`/`False` text becomes a boolean.
    public func renderedConfig(_ value: Value?) -> Value? {
        guard let value, case .string(let text) = value, text.contains("{{") || text.contains("{%") else { return value }
        guard let rendered = try? Template(source: text, file: project.file.path, options: templateOptions).render(renderContext([:]))
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return value }
        switch rendered.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: return .string(rendered)
        }
    }

    func renderedConfig(_ config: NodeConfig) -> NodeConfig {
        var result = config
        for (key, value) in config.values {
            if case .string(let text) = value, text.contains("{{") || text.contains("{%"),
               !["pre_hook", "post_hook", "sql_header"].contains(key), let rendered = renderedConfig(value) {
                result.replace(key, rendered)
            }
        }
        return result
    }

    /// dbt's `graph` (filled once configs and refs are known, so phase 2 and runs see it, as dbt's
    /// execution phase does): `nodes` (models, snapshots, seeds) and `sources` by dbt-style unique id
    /// (`model.<package>.<name>`), and `macros`.
    private let graphBox = ObjectBox(typeName: "Graph", attributes: ["nodes": .dict([]), "sources": .dict([]), "macros": .dict([])])

    private func fillGraph(discovered: [String: (config: NodeConfig, refs: [String], sources: [String])], enabled: [ModelNode],
                           placements: [String: (schema: String, identifier: String, materialized: String)]) {
        func id(_ type: String, _ package: String, _ name: String) -> String { "\(type).\(package.isEmpty ? project.file.name : package).\(name)" }
        var nodes: [(String, Value)] = []
        for model in enabled {
            let (config, refs, sources) = discovered[model.name]!
            let type = model.isSnapshot ? "snapshot" : "model"
            let dependsOn = refs.map { ref in modelsByName[ref].map { id($0.isSnapshot ? "snapshot" : "model", $0.package, ref) }
                ?? id("seed", seedsByName[ref]?.package ?? "", ref) }
                + sources.compactMap { source in project.sources.first { $0.uniqueId == source }.map { "source.\(project.file.name).\($0.sourceName).\($0.name)" } }
            let placement = placements[model.name]
            nodes.append((id(type, model.package, model.name), .dict([
                ("unique_id", .string(id(type, model.package, model.name))), ("name", .string(model.name)), ("resource_type", .string(type)),
                ("package_name", .string(model.package.isEmpty ? project.file.name : model.package)),
                ("original_file_path", .string(model.path)), ("raw_code", .string(model.rawSQL)), ("raw_sql", .string(model.rawSQL)),
                ("path", .string((model.folders + [model.name + ".sql"]).joined(separator: "/"))),
                ("config", .dict(config.values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
                ("tags", .list(config.tags.map(Value.string))), ("schema", .string(placement?.schema ?? "")),
                ("alias", .string(placement?.identifier ?? model.name)), ("database", targetDatabase.map(Value.string) ?? .none),
                ("fqn", .list(([model.package.isEmpty ? project.file.name : model.package] + model.folders + [model.name]).map(Value.string))),
                ("depends_on", .dict([("nodes", .list(dependsOn.map(Value.string)))])),
                ("description", .string(model.description)),
                ("columns", .dict(model.columns.map { ($0.name, .dict([("name", .string($0.name)), ("description", .string($0.description))])) })),
            ])))
        }
        for seed in project.seeds {
            nodes.append((id("seed", seed.package, seed.name), .dict([
                ("unique_id", .string(id("seed", seed.package, seed.name))), ("name", .string(seed.name)), ("resource_type", .string("seed")),
                ("package_name", .string(seed.package.isEmpty ? project.file.name : seed.package)), ("original_file_path", .string(seed.path)),
                ("config", .dict(seed.config.values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
                ("schema", .string(placements[seed.name]?.schema ?? "")), ("alias", .string(placements[seed.name]?.identifier ?? seed.name)),
            ])))
        }
        graphBox.attributes["nodes"] = .dict(nodes)
        graphBox.attributes["sources"] = .dict(project.sources.map { source in
            ("source.\(project.file.name).\(source.sourceName).\(source.name)", .dict([
                ("unique_id", .string("source.\(project.file.name).\(source.sourceName).\(source.name)")), ("name", .string(source.name)),
                ("source_name", .string(source.sourceName)), ("resource_type", .string("source")), ("schema", .string(sourceSchema(source))),
                ("identifier", .string(source.identifier)), ("database", targetDatabase.map(Value.string) ?? .none),
                ("package_name", .string(project.file.name)),
            ]))
        })
        graphBox.attributes["macros"] = .dict(macroDependencies.macros.values.sorted { $0.id < $1.id }.map { macro in
            (macro.id, .dict([("unique_id", .string(macro.id)), ("name", .string(macro.name)), ("package_name", .string(macro.package)),
                              ("original_file_path", .string(macro.path))]))
        })
    }

    /// The macro `name` of one project: the root's, a package's, or dbt's (`dbt`); nil: the root's, then dbt's.
    func macro(_ name: String, in package: String?) -> Value? {
        guard let package else { return cachedMacros[name] ?? cachedGlobals[name] }
        if package == "dbt" { return cachedGlobals[name] }
        if package == project.file.name { return cachedMacros[name] }
        return packageMacros[package]?[name]
    }

    /// `adapter.dispatch(name, namespace)`, with dbt-core's search: the project's `dispatch:` order for
    /// the namespace, else the root project then the namespace's package; in each, `postgres__name`,
    /// then `default__name`.
    func dispatchMacro(_ name: String, namespace: String?) throws -> Value {
        var search: [String?] = [nil]
        if let namespace {
            if let order = project.file.dispatch[namespace] { search = order }
            else if namespace == "dbt" || namespaces[namespace] != nil { search = [project.file.name, namespace] }
        }
        var attempts: [String] = []
        for package in search {
            for prefix in ["postgres__", "default__"] {
                attempts.append((package.map { $0 + "." } ?? "") + prefix + name)
                if let found = macro(prefix + name, in: package) { return found }
            }
        }
        // rops' copy of dbt's global macros keeps the PostgreSQL implementation under the plain name.
        if search.contains(where: { $0 == nil || $0 == "dbt" }), let global = cachedGlobals[name] { return global }
        throw HostError("In dispatch: No macro named '\(name)' found within namespace: '\(namespace ?? "None")'\n    Searched for: "
                        + attempts.map { "'\($0)'" }.joined(separator: ", "))
    }

    /// The macro behind a generic test: `test_<name>` in the root project, then in the packages (or
    /// in the one package of `package.name`), then a dbt built-in.
    public func testMacro(_ testName: String) -> (macro: String, call: String)? {
        let parts = testName.split(separator: ".", maxSplits: 1).map(String.init)
        let name = "test_" + (parts.last ?? testName)
        if parts.count == 2 {
            return macro(name, in: parts[0]) != nil ? (name, parts[0] + "." + name) : nil
        }
        if cachedMacros[name] != nil { return (name, name) }
        for package in project.packages where packageMacros[package.name]?[name] != nil { return (name, package.name + "." + name) }
        return nil
    }

    /// Compiles every enabled model. Errors name the model file, line and cause.
    @discardableResult
    public func compileAll() throws -> [CompiledModel] {
        // Phase 1: configs and references.
        var discovered: [String: (config: NodeConfig, refs: [String], sources: [String])] = [:]
        for model in project.models {
            let capture = Capture()
            _ = try templates[model.name]!.render(renderContext(discoveryFunctions(model, capture)))
            var config = model.config
            config.merge(capture.config)
            config = renderedConfig(config)
            discovered[model.name] = (config, capture.refs, capture.sources)
        }
        let enabled = project.models.filter { discovered[$0.name]!.config.enabled }
        let enabledNames = Set(enabled.map(\.name))
        var placements: [String: (schema: String, identifier: String, materialized: String)] = [:]
        for seed in project.seeds {
            placements[seed.name] = (seedSchema(seed), seed.config.alias ?? seed.name, "seed")
            try Self.checkLength(seed.config.alias ?? seed.name, kind: "seed", file: seed.path)
        }
        for model in enabled {
            let config = discovered[model.name]!.config
            placements[model.name] = (try schemaName(for: model, config: config), config.alias ?? model.name, config.materialized)
            if config.materialized != Materialization.ephemeral.rawValue {
                try Self.checkLength(config.alias ?? model.name, kind: model.isSnapshot ? "snapshot" : "model", file: model.path)
            }
        }
        seedPlacements = placements.filter { $0.value.materialized == "seed" }.mapValues { ($0.schema, $0.identifier) }
        applyDeferral(&placements)
        for model in enabled {
            for ref in discovered[model.name]!.refs where !enabledNames.contains(ref) && seedsByName[ref] == nil {
                throw ProjectError(file: model.path, message: "ref('\(ref)') points at a disabled model")
            }
        }
        fillGraph(discovered: discovered, enabled: enabled, placements: placements)
        // Phase 2: the SQL with real relation names.
        var results: [String: CompiledModel] = [:]
        for model in enabled {
            let (config, refs, sources) = discovered[model.name]!
            let placement = placements[model.name]!
            let sql = try render(model, config: config, placements: placements)
            let uniqueRefs = Self.unique(refs)
            results[model.name] = CompiledModel(model: model, config: config, materialization: try Materialization.of(config, model: model, custom: project.customMaterializations),
                                                schema: placement.schema,
                                                identifier: placement.identifier, refs: uniqueRefs,
                                                seedRefs: Set(uniqueRefs.filter { seedsByName[$0] != nil && modelsByName[$0] == nil }),
                                                sources: Self.unique(sources), compiledSQL: sql)
        }
        let preInjected = results
        for name in results.keys { results[name]!.compiledSQL = inlineEphemerals(results[name]!, all: preInjected) }
        self.preInjected = preInjected
        compiled = results
        try renderDescriptions()
        return enabled.map { results[$0.name]! }
    }

    // MARK: - Descriptions

    /// A description as the docs and the manifest show it: `{{ doc('name') }}` replaced by that docs
    /// block (rendered when the project compiles, so an unknown block fails every command, as in dbt).
    public func description(_ written: String) -> String { renderedDescriptions[written] ?? written }

    private func renderDescriptions() throws {
        let described: [(owner: String, file: String, description: String, columns: [ColumnDefinition])] =
            project.models.map { ("model '\($0.name)'", $0.propertiesFile ?? $0.path, $0.description, $0.columns) }
            + project.sources.map { ("source '\($0.sourceName).\($0.name)'", $0.file, $0.description, $0.columns) }
            + project.seeds.map { ("seed '\($0.name)'", $0.path, $0.description, $0.columns) }
        for node in described {
            try renderDescription(node.description, of: node.owner, file: node.file)
            for column in node.columns {
                try renderDescription(column.description, of: "column '\(column.name)' of \(node.owner)", file: node.file)
            }
        }
    }

    private func renderDescription(_ text: String, of owner: String, file: String) throws {
        guard text.contains("{"), renderedDescriptions[text] == nil else { return }
        let docs = project.docs
        let doc = Value.function(Function(name: "doc") { [unowned self] a in
            guard let name = a.positional.last?.stringValue else { throw HostError("doc() takes the name of a docs block") }
            guard let block = docs[name] else {
                var message = "doc('\(name)'): no docs block has that name (`{% docs \(name) %}` in a .md file under \(self.project.file.docsPaths.joined(separator: ", ")))"
                if let suggestion = closest(name, among: Array(docs.keys)) { message += "; did you mean '\(suggestion)'?" }
                throw HostError(message)
            }
            return .string(block.contents)
        })
        do {
            renderedDescriptions[text] = try Template(source: text, file: file, options: templateOptions).render(renderContext(["doc": doc]))
        } catch let error as TemplateError {
            throw ProjectError(file: file, message: "the description of \(owner): \(error.message)")
        }
    }

    /// The model's SQL for running now: `is_incremental()` answers from the database state, and
    /// `execute` is true with `run_query` answered by `runQuery`.
    /// `loadWatermarks`: for `load_watermark(source(…))`, the last load of each loaded source when this
    /// model last built (relation → load id); 0 for a source it has not read yet.
    /// `batch`: a microbatch model's window, `[start, end)` as timestamps; refs and sources whose
    /// config names an `event_time` render as that relation filtered to the window, as dbt does.
    public func renderForRun(_ model: CompiledModel, existingRelations: Set<String>, fullRefresh: Bool,
                             runQuery: QueryRunner? = nil, loadWatermarks: [String: Int64] = [:],
                             batch: (start: String, end: String)? = nil) throws -> String {
        let placements = currentPlacements()
        let incremental = model.materialization == .incremental && !fullRefresh && (model.config.fullRefresh != true)
            && existingRelations.contains(model.relation)
        let sql = try render(model.model, config: model.config, placements: placements, isIncremental: incremental, runQuery: runQuery,
                             loadWatermarks: incremental ? loadWatermarks : [:], batch: batch)
        var copy = model
        copy.compiledSQL = sql
        return inlineEphemerals(copy, all: compiled)
    }

    /// Renders a SQL template (a hook, a test) in a model's context; with `runQuery` (a hook about to
    /// run), `execute` is true.
    public func renderSnippet(_ text: String, file: String, for model: CompiledModel?, extra: [String: Value] = [:],
                              runQuery: QueryRunner? = nil) throws -> String {
        try Template(source: text, file: file, options: templateOptions)
            .render(snippetContext(model, extra: extra, config: nil, runQuery: runQuery))
    }

    /// A test's SQL: `config` is the test's own (`config.get('where')` reads it), and what the test
    /// macro sets with `{{ config(fail_calc=…) }}` comes back with the SQL, as dbt applies it.
    public func renderTest(_ text: String, file: String, for model: CompiledModel?, extra: [String: Value],
                           config: [String: Value], runQuery: QueryRunner? = nil) throws -> (sql: String, config: [String: Value]) {
        let capture = Capture()
        let sql = try Template(source: text, file: file, options: templateOptions)
            .render(snippetContext(model, extra: extra, config: config, runQuery: runQuery, capture: capture))
        return (sql, capture.config.reduce(into: [:]) { $0[NodeConfig.normalise($1.0)] = $1.1 })
    }

    /// A snippet's value with Jinja's native rendering: `ref('x')` gives the relation, `[1, 2]` a list.
    public func renderNative(_ text: String, file: String, for model: CompiledModel?) throws -> Value {
        try Template(source: text, file: file, options: templateOptions).renderNative(snippetContext(model, extra: [:], config: nil, runQuery: nil))
    }

    private func snippetContext(_ model: CompiledModel?, extra: [String: Value], config: [String: Value]?, runQuery: QueryRunner?,
                                capture: Capture? = nil) -> [String: Value] {
        let placements = currentPlacements()
        var specific = renderFunctions(model?.model, config: model?.config ?? NodeConfig(), placements: placements,
                                       isIncremental: false, runQuery: runQuery)
        if let config {
            let capture = capture ?? Capture()
            specific["config"] = Self.configObject({ capture.config.reduce(into: config) { $0[NodeConfig.normalise($1.0)] = $1.1 } },
                                                   call: Function(name: "config") { a in
                capture.config += a.keyword
                if case .dict(let d)? = a.positional.first { for (k, v) in d.pairs { capture.config.append((k.stringValue ?? "", v)) } }
                return .string("")
            })
        }
        specific.merge(extra) { $1 }
        return renderContext(specific)
    }

    public var macroFunctions: [String: Value] { cachedMacros }

    /// The unique id of the model, seed or source at `relation` (`"schema"."name"`), if it is one of ours.
    public func relationOwner(_ rendered: String) -> String? {
        let relation = Relation.withoutDatabase(rendered)
        if let model = compiled.values.first(where: { $0.relation == relation }) { return model.uniqueId }
        if let seed = seedPlacements.first(where: { Relation.quoted($0.value.schema, $0.value.identifier) == relation }) { return NodeID.seed(seed.key) }
        if let source = project.sources.first(where: { Relation.quoted($0.schema, $0.identifier) == relation }) { return source.uniqueId }
        return nil
    }

    /// `"schema"."name"` of every model, seed and source, by unique id.
    public var relationsByNode: [String: String] {
        var relations: [String: String] = [:]
        for source in project.sources { relations[source.uniqueId] = Relation.quoted(source.schema, source.identifier) }
        for (name, seed) in seedPlacements { relations[NodeID.seed(name)] = Relation.quoted(seed.schema, seed.identifier) }
        for model in compiled.values { relations[model.uniqueId] = model.relation }
        return relations
    }

    /// Where every compiled model and every seed lives.
    private func currentPlacements() -> [String: (schema: String, identifier: String, materialized: String)] {
        var placements: [String: (schema: String, identifier: String, materialized: String)] = [:]
        for (name, seed) in seedPlacements { placements[name] = (seed.schema, seed.identifier, "seed") }
        for (name, model) in compiled { placements[name] = (model.schema, model.identifier, model.materialized) }
        applyDeferral(&placements)
        return placements
    }

    /// `--defer`: a ref to a model this run neither builds nor has reads the `--state` run's relation.
    private func applyDeferral(_ placements: inout [String: (schema: String, identifier: String, materialized: String)]) {
        for (name, relation) in context.deferred {
            guard let placement = placements[name], placement.materialized != Materialization.ephemeral.rawValue else { continue }
            placements[name] = (relation.schema, relation.identifier, placement.materialized)
        }
    }

    /// A model's SQL for a unit test: `ref(name)` and `source(s, t)` read the fixture CTEs named in
    /// `inputs` (keys `ref:<name>`, `source:<s>.<t>`, `this`), with `vars` and `is_incremental()`
    /// overridden as the test says.
    public func renderUnitTest(_ model: CompiledModel, inputs: [String: String], vars: [String: Value], isIncremental: Bool,
                               runQuery: QueryRunner?) throws -> String {
        var specific = renderFunctions(model.model, config: model.config, placements: currentPlacements(), isIncremental: isIncremental,
                                       runQuery: runQuery)
        specific["ref"] = .function(Function(name: "ref") { [unowned self] a in
            let name = try self.refName(a, in: model.model)
            guard let cte = inputs["ref:" + name] else { throw HostError("the unit test gives no rows for ref('\(name)'); add it under given:") }
            return Relation.object(Relation.Path(database: nil, schema: nil, identifier: cte), type: "cte", rendered: cte)
        })
        specific["source"] = .function(Function(name: "source") { [unowned self] a in
            let table = try self.sourceTable(a, in: model.model)
            guard let cte = inputs["source:\(table.sourceName).\(table.name)"] else {
                throw HostError("the unit test gives no rows for source('\(table.sourceName)', '\(table.name)'); add it under given:")
            }
            return Relation.object(Relation.Path(database: nil, schema: nil, identifier: cte), type: "cte", rendered: cte)
        })
        if let this = inputs["this"] {
            specific["this"] = Relation.object(Relation.Path(database: nil, schema: nil, identifier: this), type: "cte", rendered: this)
        }
        if !vars.isEmpty, case .function(let base)? = baseContext()["var"] {
            specific["var"] = .function(Function(name: "var", evaluatorBody: { a, evaluator in
                if let name = a.positional.first?.stringValue, let value = vars[name] { return value }
                return try base.call(a, evaluator)
            }))
        }
        return try templates[model.name]!.render(renderContext(specific))
    }

    private func render(_ model: ModelNode, config: NodeConfig,
                        placements: [String: (schema: String, identifier: String, materialized: String)],
                        isIncremental: Bool = false, runQuery: QueryRunner? = nil, loadWatermarks: [String: Int64] = [:],
                        batch: (start: String, end: String)? = nil) throws -> String {
        var functions = renderFunctions(model, config: config, placements: placements, isIncremental: isIncremental, runQuery: runQuery)
        if let batch { filterToBatch(&functions, batch: batch, model: model) }
        // The rows a source gained since this model's last build are those with a higher `_rops_load_id`.
        functions["load_watermark"] = .function(Function(name: "load_watermark") { a in
            guard let relation = a.positional.first else { throw HostError("load_watermark() takes a source() or ref() relation") }
            return .int(Int(loadWatermarks[Relation.withoutDatabase(relation.displayString)] ?? 0))
        })
        return try templates[model.name]!.render(renderContext(functions))
    }

    /// Wraps `ref` and `source` so that inputs with an `event_time` read only the batch's rows.
    private func filterToBatch(_ functions: inout [String: Value], batch: (start: String, end: String), model: ModelNode) {
        func filtered(_ relation: Value, column: String?) -> Value {
            guard let column else { return relation }
            // Aliased as dbt does: PostgreSQL before 16 wants a name for a subquery in FROM.
            let name = Relation.parts(relation.displayString).last ?? "input"
            let rendered = "(select * from \(relation.displayString) where \(column) >= '\(batch.start)' and \(column) < '\(batch.end)') _dbt_et_filter_subq_\(name)"
            return Relation.object(schema: "", identifier: "", type: "cte", rendered: rendered)
        }
        if case .function(let ref)? = functions["ref"] {
            functions["ref"] = .function(Function(name: "ref", evaluatorBody: { [unowned self] a, evaluator in
                let name = try self.refName(a, in: model)
                let column = self.compiled[name]?.config["event_time"]?.stringValue ?? self.seedsByName[name]?.config["event_time"]?.stringValue
                return filtered(try ref.call(a, evaluator), column: column)
            }))
        }
        if case .function(let source)? = functions["source"] {
            functions["source"] = .function(Function(name: "source", evaluatorBody: { [unowned self] a, evaluator in
                filtered(try source.call(a, evaluator), column: try self.sourceTable(a, in: model).eventTime)
            }))
        }
    }

    // MARK: - Schema names

    /// Seeds go to their `schema` config, else `seeds` (rops) or the target schema (dbt projects).
    public func seedSchema(_ seed: SeedNode) -> String {
        if macros.origins["generate_schema_name"] != nil,
           let custom = try? projectSchema(custom: seed.config.schema, name: seed.name, path: seed.path, fqn: [project.file.name, seed.name],
                                           resourceType: "seed", config: seed.config) {
            return custom
        }
        if let custom = seed.config.schema {
            return project.file.kind == .dbt ? project.file.defaultSchema + "_" + custom : custom
        }
        return project.file.kind == .dbt ? project.file.defaultSchema : "seeds"
    }

    private func schemaName(for model: ModelNode, config: NodeConfig) throws -> String {
        // A snapshot's legacy `target_schema` is used as written (dbt does not pass it through generate_schema_name).
        if model.isSnapshot, let target = config["target_schema"]?.stringValue { return target }
        if macros.origins["generate_schema_name"] != nil {
            return try projectSchema(custom: config.schema, name: model.name, path: model.path,
                                     fqn: [project.file.name] + model.folders + [model.name],
                                     resourceType: model.isSnapshot ? "snapshot" : "model", config: config)
        }
        guard let custom = config.schema else { return project.file.defaultSchema }
        // dbt's default: <target schema>_<custom schema>; rops projects use the custom schema as written.
        return project.file.kind == .dbt ? project.file.defaultSchema + "_" + custom : custom
    }

    /// PostgreSQL cuts names at 63 bytes, so two long names could become one relation: refused, as
    /// dbt-postgres refuses them.
    static func checkLength(_ identifier: String, kind: String, file: String) throws {
        let bytes = identifier.utf8.count
        guard bytes > 63 else { return }
        throw ProjectError(file: file, message: "the \(kind) name '\(identifier)' is \(bytes) bytes; PostgreSQL names are at most 63 "
                           + "(rename the file, or set a shorter `alias`)")
    }

    /// The project's own generate_schema_name(custom, node), as dbt calls it for every model, seed and snapshot.
    private func projectSchema(custom: String?, name: String, path: String, fqn: [String], resourceType: String,
                               config: NodeConfig) throws -> String {
        let node = Value.object(ObjectBox(typeName: "Node", attributes: [
            "name": .string(name), "path": .string(path), "fqn": .list(fqn.map { .string($0) }),
            "resource_type": .string(resourceType), "config": .dict(config.values.map { ($0.key, $0.value) }),
        ]))
        var host = renderContext([:])
        host["__custom"] = custom.map { .string($0) } ?? .none
        host["__node"] = node
        let result = try Template(source: "{{ generate_schema_name(__custom, __node) }}", file: path, options: templateOptions).render(host)
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: - Host functions

    final class Capture {
        var refs: [String] = []
        var sources: [String] = []
        var config: [(String, Value)] = []
    }

    private func discoveryFunctions(_ model: ModelNode, _ capture: Capture) -> [String: Value] {
        var functions: [String: Value] = [
            "ref": .function(Function(name: "ref") { [unowned self] a in
                let name = try self.refName(a, in: model)
                capture.refs.append(name)
                // dbt's parse phase hands out a real relation too, so packages' `_is_relation` checks pass.
                return Relation.object(Relation.Path(database: self.targetDatabase, schema: self.project.file.defaultSchema, identifier: name), type: "table")
            }),
            "source": .function(Function(name: "source") { [unowned self] a in
                let table = try self.sourceTable(a, in: model)
                capture.sources.append(table.uniqueId)
                return self.sourceRelation(table)
            }),
            "config": Self.configObject({ capture.config.reduce(into: model.config.values) { $0[NodeConfig.normalise($1.0)] = $1.1 } },
                                        call: Function(name: "config") { a in
                for (key, value) in a.keyword {
                    guard NodeConfig.knownKeys.contains(NodeConfig.normalise(key)) else {
                        var message = "unknown config key '\(key)' in config()"
                        if let s = closest(NodeConfig.normalise(key), among: NodeConfig.knownKeys) { message += "; did you mean '\(s)'?" }
                        throw HostError(message)
                    }
                    capture.config.append((key, value))
                }
                if case .dict(let d)? = a.positional.first { for (k, v) in d.pairs { capture.config.append((k.stringValue ?? "", v)) } }
                return .string("")
            }),
            "this": Relation.object(Relation.Path(database: targetDatabase, schema: model.config.schema ?? project.file.defaultSchema,
                                                  identifier: model.name), type: "table"),
            "is_incremental": .function(Function(name: "is_incremental") { _ in .bool(false) }),
            "load_watermark": .function(Function(name: "load_watermark") { _ in .int(0) }),
            "model": modelObject(model, config: model.config),
        ]
        functions.merge(nodeFunctions(database: nil)) { $1 }
        return functions
    }

    /// What each node's render gets that depends on the database, as dbt sets it: while parsing
    /// (here: compiling the whole project up front, before any upstream table may exist) `execute`
    /// is false, `run_query` and `statement` do nothing and the adapter finds no relation or column;
    /// when a node is rendered to run, all of them work against the run's database.
    func nodeFunctions(database: QueryRunner?) -> [String: Value] {
        // Without a database nothing is stored or read, so every compile-time render shares one set.
        if database == nil, let cachedOffline { return cachedOffline }
        var functions = StatementResults(database: database).functions
        functions["execute"] = .bool(database != nil)
        functions["run_query"] = .function(Function(name: "run_query") { a in
            guard let database else { return .none }
            guard let sql = a.value(0, "sql")?.stringValue else { throw HostError("run_query() takes the SQL to run") }
            return try database(sql, [])
        })
        let adapter = AdapterObject(database: database, targetDatabase: targetDatabase, dispatch: { [unowned self] name, namespace in
            try self.dispatchMacro(name, namespace: namespace)
        }).make()
        functions["adapter"] = adapter
        // dbt's context has `load_relation` at the top level too.
        if case .object(let box) = adapter { functions["load_relation"] = box.attributes["load_relation"] }
        if database == nil { cachedOffline = functions }
        return functions
    }

    private func renderFunctions(_ model: ModelNode?, config: NodeConfig,
                                 placements: [String: (schema: String, identifier: String, materialized: String)],
                                 isIncremental: Bool, runQuery: QueryRunner? = nil) -> [String: Value] {
        var functions: [String: Value] = [
            "ref": .function(Function(name: "ref") { [unowned self] a in
                let name = try self.refName(a, in: model)
                guard let target = placements[name] else { throw HostError("ref('\(name)') points at a disabled model") }
                if target.materialized == Materialization.ephemeral.rawValue {
                    return Relation.object(Relation.Path(database: nil, schema: nil, identifier: self.cteName(name)), type: "cte",
                                           rendered: self.cteName(name))
                }
                return Relation.object(Relation.Path(database: self.targetDatabase, schema: target.schema, identifier: target.identifier),
                                       type: target.materialized == Materialization.view.rawValue ? "view" : "table")
            }),
            "source": .function(Function(name: "source") { [unowned self] a in
                self.sourceRelation(try self.sourceTable(a, in: model))
            }),
            "config": Self.configObject({ config.values }, call: Function(name: "config") { _ in .string("") }),
            "is_incremental": .function(Function(name: "is_incremental") { _ in .bool(isIncremental) }),
        ]
        if let model, let placement = placements[model.name] {
            functions["this"] = Relation.object(Relation.Path(database: targetDatabase, schema: placement.schema, identifier: placement.identifier),
                                                type: placement.materialized == Materialization.view.rawValue ? "view" : "table")
            functions["model"] = modelObject(model, config: config)
        }
        functions.merge(nodeFunctions(database: runQuery)) { $1 }
        return functions
    }

    func sourceRelation(_ table: SourceTable) -> Value {
        Relation.object(Relation.Path(database: targetDatabase, schema: sourceSchema(table), identifier: table.identifier), type: "table")
    }

    /// A source's schema with its Jinja rendered (`schema: "{{ target.schema }}_raw"`, `{{ var('raw_schema') }}`), as dbt renders it.
    public func sourceSchema(_ table: SourceTable) -> String {
        guard table.schema.contains("{") else { return table.schema }
        if let rendered = renderedSchemas[table.schema] { return rendered }
        let rendered = (try? Template(source: table.schema, file: table.file, options: templateOptions).render(renderContext([:])))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? table.schema
        renderedSchemas[table.schema] = rendered
        return rendered
    }

    /// The relation `"schema"."table"` of a source table.
    public func sourceRelationName(_ table: SourceTable) -> String { Relation.quoted(sourceSchema(table), table.identifier) }

    /// dbt's `model`: the node being rendered, as a mapping of its fields.
    func modelObject(_ model: ModelNode, config: NodeConfig) -> Value {
        let configDict = Value.dict(config.values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let fields: [String: Value] = [
            "name": .string(model.name), "unique_id": .string(model.uniqueId), "resource_type": .string("model"),
            "package_name": .string(model.package.isEmpty ? project.file.name : model.package),
            "path": .string(model.folders.joined(separator: "/").isEmpty ? model.name + ".sql" : model.folders.joined(separator: "/") + "/" + model.name + ".sql"),
            "original_file_path": .string(model.path), "raw_code": .string(model.rawSQL), "raw_sql": .string(model.rawSQL),
            "fqn": .list(([model.package.isEmpty ? project.file.name : model.package] + model.folders + [model.name]).map(Value.string)),
            "config": configDict, "tags": .list(config.tags.map(Value.string)), "alias": .string(config.alias ?? model.name),
            "schema": .string(config.schema ?? project.file.defaultSchema), "database": targetDatabase.map(Value.string) ?? .none,
            "description": .string(model.description), "meta": config.values["meta"] ?? .dict([]),
        ]
        let box = ObjectBox(typeName: "ModelNode", attributes: fields)
        box.attributes["get"] = .function(Function(name: "get") { a in
            guard let key = a.positional.first?.stringValue else { return .none }
            return fields[key] ?? a.value(1, "default") ?? .none
        })
        box.isMapping = true
        return .object(box)
    }

    private func refName(_ a: Arguments, in model: ModelNode?) throws -> String {
        // ref('model'), ref('package', 'model') or ref('model', v=2): model names are unique across
        // the project and its packages, so the last positional argument names the model.
        guard let name = a.positional.last?.stringValue else { throw HostError("ref() takes a model name") }
        guard modelsByName[name] != nil || seedsByName[name] != nil else {
            var message = "ref('\(name)'): no model or seed named '\(name)'"
            if let suggestion = closest(name, among: Array(modelsByName.keys) + Array(seedsByName.keys)) { message += "; did you mean '\(suggestion)'?" }
            throw HostError(message)
        }
        return name
    }

    private func sourceTable(_ a: Arguments, in model: ModelNode?) throws -> SourceTable {
        guard a.positional.count == 2, let source = a.positional[0].stringValue, let table = a.positional[1].stringValue else {
            throw HostError("source() takes a source name and a table name")
        }
        guard let found = project.sources.first(where: { $0.sourceName == source && $0.name == table }) else {
            var message = "source('\(source)', '\(table)') is not declared in any sources: block"
            if let suggestion = closest("\(source).\(table)", among: project.sources.map { "\($0.sourceName).\($0.name)" }) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw HostError(message)
        }
        return found
    }

    /// dbt's `config`: called, it sets configs (`{{ config(materialized='table') }}`); `config.get(key,
    /// default)` and `config.require(key)` read the node's configs, as macros and packages do.
    static func configObject(_ values: @escaping () -> [String: Value], call: Function) -> Value {
        let box = ObjectBox(typeName: "Config", attributes: [
            "get": .function(Function(name: "get") { a in
                guard let key = a.value(0, "name")?.stringValue else { throw HostError("config.get() needs the name of a config") }
                return values()[NodeConfig.normalise(key)] ?? a.value(1, "default") ?? .none
            }),
            "require": .function(Function(name: "require") { a in
                guard let key = a.value(0, "name")?.stringValue else { throw HostError("config.require() needs the name of a config") }
                guard let value = values()[NodeConfig.normalise(key)] else {
                    throw HostError("config '\(key)' is required here but the model does not set it")
                }
                return value
            }),
        ], rendered: "")
        box.callable = call
        return .object(box)
    }

    /// Functions every template sees: var, env_var, target, log, exceptions, tojson, the project
    /// namespaces (`dbt`, `dbt_utils`, …), `api`, and the Python builtins dbt adds (DbtContext: zip,
    /// set, fromjson, toyaml, local_md5, run_started_at, modules, …).
    func baseContext() -> [String: Value] {
        if let cachedBase { return cachedBase }
        let vars = project.file.vars.merging(context.cliVars) { $1 }
        let packageVars = Dictionary(project.packages.map { ($0.name, $0.file.vars) }) { first, _ in first }
        let projectNames = [project.file.name] + project.packages.map(\.name)
        let environment = context.environment
        let log = context.log
        var base: [String: Value] = [
            "var": .function(Function(name: "var") { [unowned self] a in
                guard let name = a.positional.first?.stringValue else { throw HostError("var() takes a name") }
                // dbt renders the project file's values: `start: "{{ env_var('START', '2020-01-01') }}"`.
                if let value = vars[name] { return self.renderedConfig(value) ?? value }
                // dbt's project-scoped vars: `vars: {<project or package>: {name: value}}`.
                for scope in projectNames {
                    if case .dict(let scoped)? = vars[scope], let value = scoped.get(name) { return value }
                }
                // A package's own dbt_project.yml vars are its defaults.
                for (_, scoped) in packageVars.sorted(by: { $0.key < $1.key }) { if let value = scoped[name] { return value } }
                if a.positional.count > 1 { return a.positional[1] }
                throw HostError("Required var '\(name)' not found in the project file's vars or --vars")
            }),
            "env_var": .function(Function(name: "env_var") { a in
                guard let name = a.positional.first?.stringValue else { throw HostError("env_var() takes a name") }
                if let value = environment[name] { return .string(value) }
                if a.positional.count > 1 { return a.positional[1] }
                throw HostError("Env var required but not provided: '\(name)'")
            }),
            "target": .object(ObjectBox(typeName: "Target", attributes: [
                "name": .string(project.file.profileTarget ?? context.targetName), "schema": .string(project.file.defaultSchema),
                "type": .string("postgres"), "threads": .int(context.threads),
                "profile_name": .string(project.file.profileName ?? project.file.name), "target_name": .string(project.file.profileTarget ?? context.targetName),
                "database": context.database.map(Value.string) ?? .none, "dbname": context.database.map(Value.string) ?? .none,
            ])),
            "project_name": .string(project.file.name),
            "dbt_version": .string(Self.dbtVersion),
            "log": .function(Function(name: "log") { a in
                if a.value(1, "info")?.truthy == true { log(a.positional.first?.displayString ?? "") }
                return .string("")
            }),
            "exceptions": .object(ObjectBox(typeName: "Exceptions", attributes: [
                "raise_compiler_error": .function(Function(name: "raise_compiler_error") { a in
                    throw HostError(a.positional.first.map { $0.displayString } ?? "compiler error")
                }),
                "warn": .function(Function(name: "warn") { a in
                    log("warning: " + (a.positional.first?.displayString ?? ""))
                    return .string("")
                }),
                "raise_not_implemented": .function(Function(name: "raise_not_implemented") { a in
                    throw HostError("not implemented: " + (a.positional.first?.displayString ?? ""))
                }),
            ])),
            "tojson": .function(Function(name: "tojson") { a in
                .string(JSONValue(template: a.positional.first ?? .none).compactText())
            }),
            "doc": .function(Function(name: "doc") { _ in .string("") }),
            "api": .object(ObjectBox(typeName: "api", attributes: ["Relation": Relation.api, "Column": ColumnObject.api])),
            "flags": .object(ObjectBox(typeName: "Flags", attributes: [
                "WHICH": .string(context.command), "FULL_REFRESH": .bool(context.fullRefresh), "STORE_FAILURES": .bool(false),
                "WARN_ERROR": .bool(false), "DEBUG": .bool(false), "EMPTY": .bool(false), "INTROSPECT": .bool(true),
            ])),
            "dbt": .object(dbtNamespace),
            "graph": .object(graphBox),
        ]
        for (name, box) in namespaces where base[name] == nil { base[name] = .object(box) }
        base.merge(DbtContext.builtins(runStartedAt: context.runStartedAt, invocationId: context.invocationId)) { $1 }
        cachedBase = base
        return base
    }

    /// The dbt-core release whose behaviour rops follows (what `dbt_version` says to templates).
    public static let dbtVersion = "1.10.23"

    // MARK: - Ephemeral models

    func cteName(_ model: String) -> String { (project.file.isDbtProject ? Self.dbtCTEPrefix : "__rops_ephemeral__") + model }

    /// Puts the ephemeral models a model reads (directly or through other ephemerals) in front of its
    /// SQL as CTEs, in dependency order.
    func inlineEphemerals(_ model: CompiledModel, all: [String: CompiledModel]) -> String {
        injectEphemerals(into: model.compiledSQL, reading: model.refs, all: all)
    }

    /// `sql` (a test's, say) with the ephemeral models it reads put in front as CTEs.
    public func injectEphemerals(into sql: String, reading refs: [String]) -> String {
        injectEphemerals(into: sql, reading: refs, all: preInjected.isEmpty ? compiled : preInjected)
    }

    /// The CTE name a reader of ephemeral model `name` selects from.
    public func ephemeralName(_ name: String) -> String { cteName(name) }

    private func injectEphemerals(into sql: String, reading refs: [String], all: [String: CompiledModel]) -> String {
        var order: [String] = []
        var seen: Set<String> = []
        func visit(_ name: String) {
            guard let node = all[name], node.materialization == .ephemeral, !seen.contains(name) else { return }
            seen.insert(name)
            for ref in node.refs { visit(ref) }
            order.append(name)
        }
        for ref in refs { visit(ref) }
        guard !order.isEmpty else { return sql }
        if project.file.isDbtProject {
            // dbt-core's _inject_ctes_into_sql, to the byte: after an existing `with` (its whitespace
            // kept) `<ctes>, `; else `with <ctes> ` before the first token.
            let ctes = order.map { " \(cteName($0)) as (\n\(all[$0]!.compiledSQL)\n)" }.joined(separator: ", ")
            if let range = Self.leadingWith(sql) {
                let rest = sql[range.upperBound...]
                let space = rest.prefix(while: \.isWhitespace)
                return String(sql[..<range.upperBound]) + space + ctes + ", " + rest.dropFirst(space.count)
            }
            let space = sql.prefix(while: \.isWhitespace)
            return String(space) + "with" + ctes + " " + sql.dropFirst(space.count)
        }
        let ctes = order.map { "\(cteName($0)) as (\n\(all[$0]!.compiledSQL)\n)" }.joined(separator: ",\n")
        if let range = Self.leadingWith(sql) {
            return String(sql[..<range.lowerBound]) + "with " + ctes + ",\n" + sql[range.upperBound...]
        }
        return "with " + ctes + "\n" + sql
    }

    /// The range of a leading `with` keyword (after whitespace and comments).
    static func leadingWith(_ sql: String) -> Range<String.Index>? {
        var index = sql.startIndex
        while index < sql.endIndex {
            if sql[index].isWhitespace { index = sql.index(after: index); continue }
            if sql[index...].hasPrefix("--") {
                index = sql[index...].firstIndex(of: "\n") ?? sql.endIndex
                continue
            }
            if sql[index...].hasPrefix("/*") {
                index = sql[index...].range(of: "*/")?.upperBound ?? sql.endIndex
                continue
            }
            break
        }
        let rest = sql[index...]
        guard rest.lowercased().hasPrefix("with"), let after = rest.dropFirst(4).first, after.isWhitespace || after == "\n" else { return nil }
        return index..<sql.index(index, offsetBy: 4)
    }

    static func unique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }
}
