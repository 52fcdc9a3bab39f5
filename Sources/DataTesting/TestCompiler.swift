import Foundation
import Project
import Template

/// Turns the tests declared in YAML and the files under tests/ into runnable SQL.
public struct TestCompiler {
    let project: Project
    let compiler: ProjectCompiler

    public init(project: Project, compiler: ProjectCompiler) {
        self.project = project
        self.compiler = compiler
    }

    /// Every enabled test, named uniquely. Errors (unknown test, bad argument) name the YAML file and line.
    public func compileAll() throws -> [DataTest] {
        var tests: [DataTest] = []
        var names: Set<String> = []
        func add(_ test: DataTest?) {
            guard var test else { return }
            let base = test.name
            var counter = 2
            while names.contains(test.name) { test.name = "\(base)_\(counter)"; counter += 1 }
            names.insert(test.name)
            tests.append(test)
        }
        for model in compiler.compiled.values.sorted(by: { $0.name < $1.name }) {
            let specs = model.model.tests + model.model.columns.flatMap(\.tests)
            for spec in specs {
                add(try compile(spec, relation: model.relation, attachedTo: model.uniqueId, attachedName: model.name,
                                schema: model.schema, model: model, tags: model.config.tags))
            }
        }
        for seed in project.seeds {
            guard let placement = compiler.seedPlacements[seed.name] else { continue }
            for spec in seed.tests + seed.columns.flatMap(\.tests) {
                add(try compile(spec, relation: Relation.quoted(placement.schema, placement.identifier), attachedTo: seed.uniqueId,
                                attachedName: seed.name, schema: placement.schema, model: nil, tags: seed.config.tags))
            }
        }
        for source in project.sources {
            for spec in source.tests + source.columns.flatMap(\.tests) {
                add(try compile(spec, relation: Relation.quoted(source.schema, source.identifier), attachedTo: source.uniqueId,
                                attachedName: "\(source.sourceName)_\(source.name)", schema: source.schema, model: nil, tags: []))
            }
        }
        for spec in project.unitTests {
            guard let model = compiler.compiled[spec.model] else {
                var message = "unit test '\(spec.name)' is for a model named '\(spec.model)', and there is no such (enabled) model"
                if let suggestion = closest(spec.model, among: Array(compiler.compiled.keys)) { message += "; did you mean '\(suggestion)'?" }
                throw ProjectError(file: spec.file, line: spec.line, message: message)
            }
            add(UnitTestBuilder(compiler: compiler, spec: spec, model: model).test())
        }
        for singular in project.singularTests {
            add(try compileSingular(singular))
        }
        return tests
    }

    // MARK: - Generic tests

    private func compile(_ spec: TestSpec, relation: String, attachedTo: String, attachedName: String, schema: String,
                         model: CompiledModel?, tags: [String]) throws -> DataTest? {
        // Project `data_tests:` defaults, then the test's own `config:`.
        var spec = spec.withDefaults(project.file.testDefaults(forFile: spec.file))
        // Configs written with Jinja (`severity: "{{ 'warn' if target.name == 'dev' else 'error' }}"`), rendered as dbt renders them.
        spec = spec.withConfig(spec.config.mapValues { compiler.renderedConfig($0) ?? $0 })
        if spec.config["enabled"].map({ !$0.truthy }) == true { return nil }
        // In a dbt project a test an installed package defines (dbt_utils.expression_is_true) runs
        // that package's macro, as dbt-core does; rops' own implementations stand in otherwise.
        let packaged = project.file.isDbtProject && compiler.testMacro(spec.testName) != nil
        let testName = packaged ? spec.testName : BuiltinTests.aliases[spec.testName] ?? spec.testName
        let builtin = project.file.isDbtProject && compiler.testMacro(testName) != nil ? nil : BuiltinTests.templates[testName]
        let custom = builtin == nil ? compiler.testMacro(testName) : nil
        guard builtin != nil || custom != nil else {
            var message = "unknown test '\(spec.testName)'"
            if let suggestion = closest(spec.testName, among: Array(BuiltinTests.templates.keys)) { message += "; did you mean '\(suggestion)'?" }
            message += " (custom tests are `{% test name(model, column_name) %}` blocks in macros/ or tests/generic/, or `package.name` from an installed package)"
            throw ProjectError(file: spec.file, line: spec.line, message: message)
        }
        let whereClause = spec.config["where"].flatMap(\.stringValue)
        // A test of an ephemeral model reads its CTE, put in front of the test's SQL as dbt does.
        let ephemeral = model?.materialization == .ephemeral ? model!.name : nil
        let testedRelation = ephemeral.map(compiler.ephemeralName) ?? relation
        // dbt's get_where_subquery: the model, or `(select * from <model> where …) dbt_subquery`.
        let relationValue = ephemeral == nil ? try relationObject(testedRelation, spec: spec, model: model)
            : Relation.object(schema: "", identifier: testedRelation, type: "cte", rendered: testedRelation)
        let filteredRelation = whereClause.map { "(select * from \(testedRelation) where \($0)) dbt_subquery" }
        let filteredModel: Value = filteredRelation.map(Value.string) ?? relationValue
        var variables: [String: Value] = ["model": filteredModel]
        if let column = spec.column { variables["column_name"] = .string(column) }
        var dependsOn: Set<String> = [attachedTo]
        for (key, value) in spec.arguments {
            variables[key] = custom != nil ? try renderArgument(value, spec: spec, model: model, dependsOn: &dependsOn)
                                           : try resolveRelations(value, spec: spec, model: model, dependsOn: &dependsOn)
        }
        let sql: String
        var screen: DataTest.Screen?
        var runtime: DataTest.RuntimeSQL?
        var macroConfig: [String: Value] = [:]
        do {
            if builtin != nil, let condition = BuiltinTests.failingRowConditions[testName],
               spec.config["store_failures"]?.truthy != true, spec.config["limit"] == nil {
                let rendered = try compiler.renderSnippet(condition, file: spec.file, for: model, extra: variables)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                // A `where:` stays in the scanned relation (the tests with the same filter share
                // its scan): it is there to make the test cheap, and only in the FROM can an index,
                // or a view's window partitioned by the filtered column, read just those rows.
                // (An ephemeral model's tests are not screened: see below.)
                screen = DataTest.Screen(relation: filteredRelation ?? relation, failingRows: rendered)
            }
            if let builtin {
                let rendered = try compiler.renderSnippet(builtin, file: spec.file, for: model, extra: variables)
                sql = ephemeral.map { compiler.injectEphemerals(into: rendered, reading: [$0]) } ?? rendered
                if ephemeral != nil { screen = nil }
            } else {
                var call = "{{ \(custom!.call)(model=__rops_model"
                var extra: [String: Value] = ["__rops_model": filteredModel]
                if let column = spec.column {
                    call += ", column_name=__rops_column"
                    extra["__rops_column"] = .string(column)
                }
                for key in spec.arguments.keys.sorted() {
                    call += ", \(key)=__rops_arg_\(key)"
                    extra["__rops_arg_\(key)"] = variables[key]
                }
                call += ") }}"
                let config = spec.config
                let rendered = try compiler.renderTest(call, file: spec.file, for: model, extra: extra, config: config)
                sql = ephemeral.map { compiler.injectEphemerals(into: rendered.sql, reading: [$0]) } ?? rendered.sql
                macroConfig = rendered.config
                // Rendered again when it runs: test macros read the database (`execute` is true then).
                runtime = Self.runtime(compiler, call, file: spec.file, model: model, extra: extra, config: config, ephemeral: ephemeral)
            }
        } catch {
            throw ProjectError(file: spec.file, line: spec.line, message: "test '\(spec.testName)' on \(attachedName): \(error)")
        }
        // What the test macro sets with config() is below the YAML's own config, as in dbt.
        let config = macroConfig.merging(spec.config) { $1 }
        let name: String
        if project.file.isDbtProject {
            name = config["name"]?.stringValue ?? Self.dbtTestName(spec, testName: testName, target: attachedName,
                                                                   isSource: attachedTo.hasPrefix("source."))
        } else {
            let argumentText = spec.arguments.keys.sorted().map { "\($0)=\(spec.arguments[$0]!.displayString)" }.joined(separator: ",")
            var generated = config["name"]?.stringValue ?? ([testName, attachedName] + (spec.column.map { [$0] } ?? [])).joined(separator: "_")
            if config["name"] == nil, !argumentText.isEmpty, testName != "relationships" && testName != "accepted_values" {
                generated += "_" + String(Self.hash(argumentText).prefix(6))
            }
            name = Self.sanitise(generated)
        }
        var test = DataTest(
            name: name, kind: "generic", testName: testName, attachedTo: attachedTo, column: spec.column,
            dependsOn: dependsOn.sorted(), sql: sql, file: spec.file, line: spec.line,
            severity: (config["severity"]?.stringValue ?? "error").lowercased(),
            errorIf: try threshold(config["error_if"], spec), warnIf: try threshold(config["warn_if"], spec),
            limit: config["limit"]?.intValue, storeFailures: config["store_failures"]?.truthy ?? false,
            auditSchema: schema + (project.file.isDbtProject ? "_dbt_test__audit" : "_audit"), tags: tags + NodeConfig.stringList(config["tags"]), screen: screen)
        test.runtime = runtime
        test.failCalc = config["fail_calc"]?.stringValue
        return test
    }

    private static func runtime(_ compiler: ProjectCompiler, _ call: String, file: String, model: CompiledModel?, extra: [String: Value],
                                config: [String: Value], ephemeral: String?) -> DataTest.RuntimeSQL {
        DataTest.RuntimeSQL { runQuery in
            let sql = try compiler.renderTest(call, file: file, for: model, extra: extra, config: config, runQuery: runQuery).sql
            guard let ephemeral else { return sql }
            return compiler.injectEphemerals(into: sql, reading: [ephemeral])
        }
    }

    /// dbt-core's name for a generic test: `<namespace>_<test>_<target>_<arguments>`, each argument
    /// cleaned to `[0-9a-zA-Z_]`; 64 characters or more become the first 30 and an MD5 of the whole.
    static func dbtTestName(_ spec: TestSpec, testName: String, target: String, isSource: Bool) -> String {
        var arguments = spec.arguments
        if let column = spec.column { arguments["column_name"] = .string(column) }
        var flat: [String] = []
        for key in arguments.keys.sorted() {
            let value = arguments[key]!
            switch value {
            case .dict(let d): flat += d.values.map(\.displayString)
            case .list(let l): flat += l.items.map(\.displayString)
            case .tuple(let t): flat += t.map(\.displayString)
            default: flat.append(value.displayString)
            }
        }
        let cleaned = flat.map { $0.replacingOccurrences(of: "[^0-9a-zA-Z_]+", with: "_", options: .regularExpression) }
        let parts = testName.split(separator: ".", maxSplits: 1).map(String.init)
        var type = (isSource ? "source_" : "") + (parts.last ?? testName)
        if parts.count == 2 { type = parts[0] + "_" + type }
        let identifier = type + "_" + target
        let full = identifier + "_" + cleaned.joined(separator: "__")
        return full.count >= 64 ? String(identifier.prefix(30)) + "_" + Digest.md5(full) : full
    }

    /// The relation a test is attached to, as the object dbt gives test macros (`model`).
    private func relationObject(_ relation: String, spec: TestSpec, model: CompiledModel?) throws -> Value {
        let parts = Relation.parts(relation)
        guard parts.count == 2 else { return .string(relation) }
        return Relation.object(schema: parts[0], identifier: parts[1], type: "table", database: compiler.targetDatabase)
    }

    /// A test argument as dbt renders it: `ref(…)`, `source(…)`, `var(…)` strings evaluated (to a
    /// relation, a value), other Jinja rendered, everything else kept as written.
    private func renderArgument(_ value: Value, spec: TestSpec, model: CompiledModel?, dependsOn: inout Set<String>) throws -> Value {
        switch value {
        case .string(let text):
            var source = text
            if text.range(of: #"^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$"#, options: .regularExpression) != nil {
                source = "{{ " + text + " }}"
            }
            guard source.contains("{{") || source.contains("{%") else { return value }
            let rendered = try compiler.renderNative(source, file: spec.file, for: model)
            if case .object(let box) = rendered, box.typeName == "Relation", let text = box.rendered, let id = compiler.relationOwner(text) {
                dependsOn.insert(id)
            }
            return rendered
        case .list(let list):
            return .list(try list.items.map { try renderArgument($0, spec: spec, model: model, dependsOn: &dependsOn) })
        case .dict(let dict):
            let copy = DictBox()
            for (key, item) in dict.pairs { copy.set(key, try renderArgument(item, spec: spec, model: model, dependsOn: &dependsOn)) }
            return .dict(copy)
        default:
            return value
        }
    }

    /// `to: ref('m')` and `parts: [ref('a'), source('s', 't')]`: rendered to relations, noted as dependencies.
    private func resolveRelations(_ value: Value, spec: TestSpec, model: CompiledModel?, dependsOn: inout Set<String>) throws -> Value {
        switch value {
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("ref(") || trimmed.hasPrefix("source(") else { return value }
            let rendered = try compiler.renderSnippet("{{ \(trimmed) }}", file: spec.file, for: model)
            if let id = compiler.relationOwner(rendered) { dependsOn.insert(id) }
            return .string(rendered)
        case .list(let list):
            return .list(try list.items.map { try resolveRelations($0, spec: spec, model: model, dependsOn: &dependsOn) })
        default:
            return value
        }
    }

    private func threshold(_ value: Value?, _ spec: TestSpec) throws -> Threshold {
        do {
            return try Threshold(value?.displayString ?? "!=0")
        } catch {
            throw ProjectError(file: spec.file, line: spec.line, message: "\(error)")
        }
    }

    // MARK: - Singular tests

    private func compileSingular(_ test: SingularTest) throws -> DataTest? {
        let defaults = project.file.testDefaults(forFile: test.path)
        let source = test.rawSQL.trimmingCharacters(in: .whitespacesAndNewlines)
        let rendered = try compiler.renderTest(source, file: test.path, for: nil, extra: [:], config: defaults)
        let config = defaults.merging(rendered.config) { $1 }
        if config["enabled"].map({ !$0.truthy }) == true { return nil }
        var dependsOn: [String] = []
        for (name, model) in compiler.compiled where rendered.sql.contains(model.relation) { dependsOn.append(NodeID.model(name)) }
        var result = DataTest(name: Self.sanitise(test.name), kind: "singular", testName: test.name, attachedTo: nil, column: nil,
                              dependsOn: dependsOn.sorted(), sql: rendered.sql, file: test.path, line: 1,
                              severity: (config["severity"]?.stringValue ?? "error").lowercased(),
                              errorIf: try Threshold(config["error_if"]?.displayString ?? "!=0"), warnIf: try Threshold(config["warn_if"]?.displayString ?? "!=0"),
                              limit: config["limit"]?.intValue, storeFailures: config["store_failures"]?.truthy ?? false,
                              auditSchema: project.file.defaultSchema + (project.file.isDbtProject ? "_dbt_test__audit" : "_audit"),
                              tags: NodeConfig.stringList(config["tags"]))
        result.failCalc = config["fail_calc"]?.stringValue
        // Rendered again when it runs, with `execute` true (tests that query the database while rendering).
        let compiler = self.compiler, file = test.path
        result.runtime = DataTest.RuntimeSQL { runQuery in
            try compiler.renderTest(source, file: file, for: nil, extra: [:], config: defaults, runQuery: runQuery).sql
        }
        return result
    }

    static func sanitise(_ name: String) -> String {
        let cleaned = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return cleaned.count > 63 ? String(cleaned.prefix(54)) + "_" + String(hash(cleaned).prefix(8)) : cleaned
    }

    static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
