import Foundation
import Template
import Yams

/// Reads the YAML property files beside models and seeds: `models:`, `sources:`, `seeds:`.
struct PropertiesReader {
    let root: String
    let file: ProjectFile
    private(set) var sources: [SourceTable] = []
    private(set) var modelConfigs: [String: [(String, Value)]] = [:]
    private(set) var seedConfigs: [String: [(String, Value)]] = [:]
    /// YAML snapshots' `relation:` (`ref('x')`, `source('s', 't')`) by snapshot name.
    private(set) var snapshotRelations: [String: (expression: String, file: String)] = [:]
    private(set) var unitTests: [UnitTestSpec] = []
    private var modelEntries: [String: (ModelProperties, String)] = [:]
    private var seedEntries: [String: (ModelProperties, String)] = [:]

    struct ModelProperties {
        var description = ""
        var columns: [ColumnDefinition] = []
        var tests: [TestSpec] = []
        var line: Int?
    }

    static let topKeys: Set<String> = ["version", "models", "sources", "seeds", "macros", "snapshots", "analyses",
                                       "exposures", "metrics", "semantic_models", "saved_queries", "groups", "unit_tests", "data_tests"]
    static let modelKeys: Set<String> = ["name", "description", "config", "columns", "tests", "data_tests", "docs", "meta", "relation",
                                         "latest_version", "versions", "access", "group", "constraints", "deprecation_date",
                                         "tags", "time_spine"]
    static let columnKeys: Set<String> = ["name", "description", "data_type", "tests", "data_tests", "meta", "tags", "quote",
                                          "constraints", "policy_tags", "granularity", "config"]
    static let sourceKeys: Set<String> = ["name", "description", "schema", "database", "loader", "loaded_at_field", "meta",
                                          "tags", "config", "freshness", "quoting", "overrides", "tables"]
    static let tableKeys: Set<String> = ["name", "description", "identifier", "columns", "tests", "data_tests", "meta", "tags",
                                         "loaded_at_field", "freshness", "quoting", "external", "config", "loader"]

    init(root: String, file: ProjectFile) {
        self.root = root
        self.file = file
    }

    mutating func read(_ relative: String) throws {
        let document = try YAMLDocument.load(root + "/" + relative, displayPath: relative)
        guard let top = document.root else { return }
        let entries = try document.mapping(top, "a properties file")
        try document.checkKeys(entries, allowed: Self.topKeys, in: "a properties file")
        for entry in entries {
            switch entry.key {
            case "models": try readModels(entry.value, document, into: &modelEntries, configs: &modelConfigs, kind: "model")
            case "seeds": try readModels(entry.value, document, into: &seedEntries, configs: &seedConfigs, kind: "seed")
            case "sources": try readSources(entry.value, document)
            case "unit_tests": try readUnitTests(entry.value, document)
            case "snapshots":
                for item in try document.sequence(entry.value, "`snapshots:`") {
                    guard let fields = item.mapping, let name = fields["name"]?.string, let relation = fields["relation"]?.string else { continue }
                    snapshotRelations[name] = (relation.trimmingCharacters(in: .whitespaces), document.path)
                }
                try readModels(entry.value, document, into: &modelEntries, configs: &modelConfigs, kind: "snapshot")
            default: break
            }
        }
    }

    private func readModels(_ node: Node, _ document: YAMLDocument, into entries: inout [String: (ModelProperties, String)],
                            configs: inout [String: [(String, Value)]], kind: String) throws {
        for item in try document.sequence(node, "`\(kind)s:`") {
            let fields = try document.mapping(item, "a \(kind) entry")
            try document.checkKeys(fields, allowed: Self.modelKeys, in: "\(kind) properties")
            guard let name = try document.string(fields.first { $0.key == "name" }?.value, "name") else {
                throw document.error(item, "a \(kind) entry needs `name:`")
            }
            if let previous = entries[name] {
                throw document.error(item, "\(kind) '\(name)' is described twice (also in \(previous.1))")
            }
            var properties = ModelProperties(line: item.mark?.line)
            var config: [(String, Value)] = []
            for field in fields {
                switch field.key {
                case "description": properties.description = try document.string(field.value, "description") ?? ""
                case "columns": properties.columns = try readColumns(field.value, document)
                case "tests", "data_tests": properties.tests += try TestSpecReader.read(field.value, column: nil, document)
                case "config": config += try readConfig(field.value, document)
                case "tags": config.append(("tags", YAMLValue.value(field.value)))
                default: break
                }
            }
            entries[name] = (properties, document.path)
            configs[name] = config
        }
    }

    func readConfig(_ node: Node, _ document: YAMLDocument) throws -> [(String, Value)] {
        let fields = try document.mapping(node, "`config:`")
        for field in fields where !NodeConfig.knownKeys.contains(NodeConfig.normalise(field.key)) {
            var message = "unknown config key '\(field.key)'"
            if let suggestion = closest(NodeConfig.normalise(field.key), among: NodeConfig.knownKeys) { message += "; did you mean '\(suggestion)'?" }
            throw document.error(field.keyNode, message)
        }
        return fields.map { ($0.key, YAMLValue.value($0.value)) }
    }

    private func readColumns(_ node: Node, _ document: YAMLDocument) throws -> [ColumnDefinition] {
        try document.sequence(node, "`columns:`").map { item in
            let fields = try document.mapping(item, "a column entry")
            try document.checkKeys(fields, allowed: Self.columnKeys, in: "column properties")
            guard let name = try document.string(fields.first { $0.key == "name" }?.value, "name") else {
                throw document.error(item, "a column entry needs `name:`")
            }
            var tests: [TestSpec] = []
            for field in fields where field.key == "tests" || field.key == "data_tests" {
                tests += try TestSpecReader.read(field.value, column: name, document)
            }
            return ColumnDefinition(name: name,
                                    description: try document.string(fields.first { $0.key == "description" }?.value, "description") ?? "",
                                    dataType: try document.string(fields.first { $0.key == "data_type" }?.value, "data_type"),
                                    tests: tests)
        }
    }

    private mutating func readSources(_ node: Node, _ document: YAMLDocument) throws {
        for item in try document.sequence(node, "`sources:`") {
            let fields = try document.mapping(item, "a source entry")
            try document.checkKeys(fields, allowed: Self.sourceKeys, in: "source properties")
            func field(_ key: String) -> Node? { fields.first { $0.key == key }?.value }
            guard let sourceName = try document.string(field("name"), "name") else { throw document.error(item, "a source needs `name:`") }
            let schema = try document.string(field("schema"), "schema") ?? sourceName
            let sourceLoader = field("loader").map(YAMLValue.value)
            let sourceFreshness = try freshness(field("freshness") ?? field("config")?.mapping?["freshness"], document)
            let sourceLoadedAt = try document.string(field("loaded_at_field"), "loaded_at_field")
            for tableNode in try document.sequence(field("tables"), "`tables:`") {
                let tableFields = try document.mapping(tableNode, "a source table")
                try document.checkKeys(tableFields, allowed: Self.tableKeys, in: "source table properties")
                func tableField(_ key: String) -> Node? { tableFields.first { $0.key == key }?.value }
                guard let name = try document.string(tableField("name"), "name") else { throw document.error(tableNode, "a source table needs `name:`") }
                if sources.contains(where: { $0.sourceName == sourceName && $0.name == name }) {
                    throw document.error(tableNode, "source table '\(sourceName).\(name)' is declared twice")
                }
                var tests: [TestSpec] = []
                for key in ["tests", "data_tests"] { if let t = tableField(key) { tests += try TestSpecReader.read(t, column: nil, document) } }
                var table = SourceTable(
                    sourceName: sourceName, name: name,
                    identifier: try document.string(tableField("identifier"), "identifier") ?? name,
                    schema: schema, description: try document.string(tableField("description"), "description") ?? "",
                    columns: try readColumns(tableField("columns") ?? Node.scalar(.init("")), document),
                    tests: tests, loader: tableField("loader").map(YAMLValue.value) ?? sourceLoader,
                    file: document.path, line: tableNode.mark?.line)
                let tableFreshnessNode = tableField("freshness") ?? tableField("config")?.mapping?["freshness"]
                table.freshness = tableFreshnessNode == nil ? sourceFreshness : try freshness(tableFreshnessNode, document)
                table.eventTime = try document.string(tableField("config")?.mapping?["event_time"] ?? field("config")?.mapping?["event_time"], "event_time")
                // `loaded_at_field: null` on a table turns its source's off.
                if let own = tableField("loaded_at_field") {
                    let text = try document.string(own, "loaded_at_field")
                    table.loadedAtField = text.map { ["null", "~", ""].contains($0.lowercased()) } == true ? nil : text
                } else {
                    table.loadedAtField = sourceLoadedAt
                }
                sources.append(table)
            }
        }
    }

    private mutating func readUnitTests(_ node: Node, _ document: YAMLDocument) throws {
        for item in try document.sequence(node, "`unit_tests:`") {
            guard let fields = item.mapping, let name = fields["name"]?.string, let model = fields["model"]?.string else {
                throw document.error(item, "a unit test needs `name:` and `model:`")
            }
            func rows(_ node: Node?) -> Value { node.map(YAMLValue.value) ?? .list([]) }
            var given: [UnitTestSpec.Input] = []
            for input in fields["given"]?.sequence ?? [] {
                guard let expression = input.mapping?["input"]?.string else { throw document.error(input, "each `given:` entry needs `input:`") }
                given.append(UnitTestSpec.Input(input: expression.trimmingCharacters(in: .whitespaces),
                                                format: input.mapping?["format"]?.string ?? "dict", rows: rows(input.mapping?["rows"])))
            }
            guard let expect = fields["expect"]?.mapping else { throw document.error(item, "unit test '\(name)' needs `expect:` with its rows") }
            var vars: [String: Value] = [:]
            var incremental = false
            if let overrides = fields["overrides"]?.mapping {
                for (key, value) in overrides["vars"]?.mapping ?? [:] { vars[key.string ?? ""] = YAMLValue.value(value) }
                incremental = overrides["macros"]?.mapping?["is_incremental"]?.bool ?? false
            }
            unitTests.append(UnitTestSpec(name: name, model: model, given: given, expectFormat: expect["format"]?.string ?? "dict",
                                          expectRows: rows(expect["rows"]), vars: vars, isIncremental: incremental,
                                          file: document.path, line: item.mark?.line))
        }
    }

    /// `freshness: {warn_after: {count: 12, period: hour}, error_after: …, filter: …}`; `null` is off.
    private func freshness(_ node: Node?, _ document: YAMLDocument) throws -> SourceFreshness? {
        guard let node, node.mapping != nil else { return nil }
        var result = SourceFreshness()
        for entry in try document.mapping(node, "`freshness:`") {
            switch entry.key {
            case "warn_after", "error_after":
                guard entry.value.mapping != nil else { continue }
                let fields = try document.mapping(entry.value, "`\(entry.key):`")
                guard let count = fields.first(where: { $0.key == "count" })?.value.int,
                      let period = fields.first(where: { $0.key == "period" })?.value.string else {
                    throw document.error(entry.value, "`\(entry.key):` needs `count:` (a number) and `period:` (minute, hour or day)")
                }
                guard ["minute", "hour", "day"].contains(period) else {
                    throw document.error(entry.value, "freshness period '\(period)' is not minute, hour or day")
                }
                let limit = SourceFreshness.Limit(count: count, period: period)
                if entry.key == "warn_after" { result.warnAfter = limit } else { result.errorAfter = limit }
            case "filter": result.filter = entry.value.string
            default: throw document.error(entry.keyNode, "unknown freshness key '\(entry.key)'; use warn_after, error_after, filter")
            }
        }
        return result.isEmpty ? nil : result
    }

    /// Puts descriptions, columns and tests on the models they describe. YAML naming a model that does
    /// not exist is an error in a rops project (with the nearest name) and a warning in a dbt project,
    /// as dbt-core only warns about it; the warnings are returned.
    func apply(to models: inout [ModelNode], seeds: inout [SeedNode]) throws -> [ProjectError] {
        var warnings: [ProjectError] = []
        for (name, (properties, path)) in modelEntries.sorted(by: { $0.key < $1.key }) {
            guard let index = models.firstIndex(where: { $0.name == name }) else {
                var message = "properties for a model named '\(name)', but there is no such model"
                if let suggestion = closest(name, among: models.map(\.name)) { message += "; did you mean '\(suggestion)'?" }
                let problem = ProjectError(file: path, line: properties.line, message: message)
                if file.isDbtProject { warnings.append(problem); continue }
                throw problem
            }
            models[index].description = properties.description
            models[index].columns = properties.columns
            models[index].tests = properties.tests
            models[index].propertiesFile = path
        }
        for (name, (properties, path)) in seedEntries.sorted(by: { $0.key < $1.key }) {
            guard let index = seeds.firstIndex(where: { $0.name == name }) else {
                let problem = ProjectError(file: path, line: properties.line, message: "properties for a seed named '\(name)', but there is no seeds/\(name).csv")
                if file.isDbtProject { warnings.append(problem); continue }
                throw problem
            }
            seeds[index].description = properties.description
            seeds[index].columns = properties.columns
            seeds[index].tests = properties.tests
        }
        return warnings
    }
}

/// `tests:` entries: `- not_null`, `- unique: {config: …}`, `- relationships: {to: ref('x'), field: id}`.
enum TestSpecReader {
    static func read(_ node: Node, column: String?, _ document: YAMLDocument) throws -> [TestSpec] {
        try document.sequence(node, "`tests:`").map { item in
            if let name = item.string, item.mapping == nil {
                return TestSpec(testName: name, arguments: [:], config: [:], column: column, file: document.path, line: item.mark?.line)
            }
            let entries = try document.mapping(item, "a test")
            guard entries.count == 1, let entry = entries.first else {
                throw document.error(item, "a test is a name, or a mapping of one name to its arguments")
            }
            var arguments: [String: Value] = [:], config: [String: Value] = [:]
            for field in try document.mapping(entry.value, "test '\(entry.key)'") {
                switch field.key {
                case "config":
                    for c in try document.mapping(field.value, "`config:`") { config[NodeConfig.normalise(c.key)] = YAMLValue.value(c.value) }
                case "arguments":
                    for a in try document.mapping(field.value, "`arguments:`") { arguments[a.key] = YAMLValue.value(a.value) }
                case "severity", "where", "limit", "warn_if", "error_if", "store_failures", "tags", "enabled", "meta", "fail_calc", "name":
                    config[field.key] = YAMLValue.value(field.value)
                default:
                    arguments[field.key] = YAMLValue.value(field.value)
                }
            }
            return TestSpec(testName: entry.key, arguments: arguments, config: config, column: column,
                            file: document.path, line: item.mark?.line)
        }
    }
}
