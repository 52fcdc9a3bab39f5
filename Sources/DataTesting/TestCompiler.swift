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
            guard let test else { return }
            var name = test.name
            var counter = 2
            while names.contains(name) { name = "\(test.name)_\(counter)"; counter += 1 }
            names.insert(name)
            tests.append(DataTest(name: name, kind: test.kind, testName: test.testName, attachedTo: test.attachedTo, column: test.column,
                                  dependsOn: test.dependsOn, sql: test.sql, file: test.file, line: test.line, severity: test.severity,
                                  errorIf: test.errorIf, warnIf: test.warnIf, limit: test.limit, storeFailures: test.storeFailures,
                                  auditSchema: test.auditSchema, tags: test.tags, screen: test.screen))
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
        for singular in project.singularTests {
            add(try compileSingular(singular))
        }
        return tests
    }

    // MARK: - Generic tests

    private func compile(_ spec: TestSpec, relation: String, attachedTo: String, attachedName: String, schema: String,
                         model: CompiledModel?, tags: [String]) throws -> DataTest? {
        // Project `data_tests:` defaults, then the test's own `config:`.
        let spec = spec.withDefaults(project.file.testDefaults(forFile: spec.file))
        if spec.config["enabled"].map({ !$0.truthy }) == true { return nil }
        let testName = BuiltinTests.aliases[spec.testName] ?? spec.testName
        let macroName = "test_" + testName.replacingOccurrences(of: ".", with: "_")
        let builtin = BuiltinTests.templates[testName]
        let custom = compiler.macroFunctions[macroName] != nil ? macroName : nil
        guard builtin != nil || custom != nil else {
            var message = "unknown test '\(spec.testName)'"
            if let suggestion = closest(spec.testName, among: Array(BuiltinTests.templates.keys)) { message += "; did you mean '\(suggestion)'?" }
            message += " (custom tests are `{% test name(model, column_name) %}` blocks in macros/ or tests/generic/)"
            throw ProjectError(file: spec.file, line: spec.line, message: message)
        }
        let whereClause = spec.config["where"].flatMap(\.stringValue)
        let filteredModel = whereClause.map { "(select * from \(relation) where \($0)) as rops_filtered" } ?? relation
        var variables: [String: Value] = ["model": .string(filteredModel)]
        if let column = spec.column { variables["column_name"] = .string(column) }
        var dependsOn: Set<String> = [attachedTo]
        for (key, value) in spec.arguments {
            variables[key] = try resolveRelations(value, spec: spec, model: model, dependsOn: &dependsOn)
        }
        let sql: String
        var screen: DataTest.Screen?
        do {
            if builtin != nil, let condition = BuiltinTests.failingRowConditions[testName],
               spec.config["store_failures"]?.truthy != true, spec.config["limit"] == nil {
                let rendered = try compiler.renderSnippet(condition, file: spec.file, for: model, extra: variables)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                // A `where:` becomes part of the condition, so the test shares its relation's scan
                // instead of scanning the filtered subquery on its own (a row the filter leaves out,
                // where it is false or null, cannot fail the test).
                screen = DataTest.Screen(relation: relation, failingRows: whereClause.map { "(\($0)) and (\(rendered))" } ?? rendered)
            }
            if let builtin {
                sql = try compiler.renderSnippet(builtin, file: spec.file, for: model, extra: variables)
            } else {
                var call = "{{ \(custom!)(model=__rops_model"
                var extra: [String: Value] = ["__rops_model": .string(filteredModel)]
                if let column = spec.column {
                    call += ", column_name=__rops_column"
                    extra["__rops_column"] = .string(column)
                }
                for key in spec.arguments.keys.sorted() {
                    call += ", \(key)=__rops_arg_\(key)"
                    extra["__rops_arg_\(key)"] = variables[key]
                }
                sql = try compiler.renderSnippet(call + ") }}", file: spec.file, for: model, extra: extra)
            }
        } catch {
            throw ProjectError(file: spec.file, line: spec.line, message: "test '\(spec.testName)' on \(attachedName): \(error)")
        }
        let config = spec.config
        let argumentText = spec.arguments.keys.sorted().map { "\($0)=\(spec.arguments[$0]!.displayString)" }.joined(separator: ",")
        var name = config["name"]?.stringValue ?? ([testName, attachedName] + (spec.column.map { [$0] } ?? [])).joined(separator: "_")
        if config["name"] == nil, !argumentText.isEmpty, testName != "relationships" && testName != "accepted_values" {
            name += "_" + String(Self.hash(argumentText).prefix(6))
        }
        return DataTest(
            name: Self.sanitise(name), kind: "generic", testName: testName, attachedTo: attachedTo, column: spec.column,
            dependsOn: dependsOn.sorted(), sql: sql, file: spec.file, line: spec.line,
            severity: (config["severity"]?.stringValue ?? "error").lowercased(),
            errorIf: try threshold(config["error_if"], spec), warnIf: try threshold(config["warn_if"], spec),
            limit: config["limit"]?.intValue, storeFailures: config["store_failures"]?.truthy ?? false,
            auditSchema: schema + "_audit", tags: tags + NodeConfig.stringList(config["tags"]), screen: screen)
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

    private func compileSingular(_ test: SingularTest) throws -> DataTest {
        let config = project.file.testDefaults(forFile: test.path)
        let sql = try compiler.renderSnippet(test.rawSQL.trimmingCharacters(in: .whitespacesAndNewlines), file: test.path, for: nil)
        var dependsOn: [String] = []
        for (name, model) in compiler.compiled where sql.contains(model.relation) { dependsOn.append(NodeID.model(name)) }
        return DataTest(name: Self.sanitise(test.name), kind: "singular", testName: test.name, attachedTo: nil, column: nil,
                        dependsOn: dependsOn.sorted(), sql: sql, file: test.path, line: 1,
                        severity: (config["severity"]?.stringValue ?? "error").lowercased(),
                        errorIf: try Threshold(config["error_if"]?.displayString ?? "!=0"), warnIf: try Threshold(config["warn_if"]?.displayString ?? "!=0"),
                        limit: config["limit"]?.intValue, storeFailures: config["store_failures"]?.truthy ?? false,
                        auditSchema: project.file.defaultSchema + "_audit", tags: NodeConfig.stringList(config["tags"]))
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
