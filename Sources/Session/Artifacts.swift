import Build
import DataTesting
import Foundation
import Graph
import PostgresClient
import Project

/// Everything under `target/` is written here: `manifest.json`, `run_results.json` (models, and
/// tests after them as `dbt build` writes them), `catalog.json`, compiled SQL and JUnit XML, in
/// shapes close to dbt's so tools that read dbt artifacts can read ours. `LastRun` reads them back.
public enum Artifacts {
    /// `describe` turns a description as written into the one shown (`ProjectCompiler.description`).
    public static func manifest(project: Project, models: [CompiledModel], graph: DependencyGraph,
                                describe: (String) -> String = { $0 }, macros: MacroDependencies? = nil) -> JSONValue {
        var nodes: [(String, JSONValue)] = models.map { model in
            (model.uniqueId, .object([
                ("unique_id", .string(model.uniqueId)), ("resource_type", .string(model.model.isSnapshot ? "snapshot" : "model")),
                ("name", .string(model.name)), ("package_name", .string(project.file.name)),
                ("path", .string(model.model.path)), ("original_file_path", .string(model.model.path)),
                ("fqn", .strings([project.file.name] + model.model.folders + [model.name])),
                ("schema", .string(model.schema)), ("alias", .string(model.identifier)),
                ("relation_name", .string(model.relation)), ("description", .string(describe(model.model.description))),
                ("config", model.config.json), ("tags", .strings(model.config.tags)),
                ("raw_code", .string(model.model.rawSQL)), ("compiled_code", .string(model.compiledSQL)),
                ("language", .string("sql")),
                ("checksum", .object([("name", .string("fnv64")), ("checksum", .string(Checksum.fnv64(model.model.rawSQL)))])),
                ("depends_on", .object([("nodes", .strings(model.dependsOn)),
                                        ("macros", .strings(macros?.of(model.model.rawSQL, package: model.model.package) ?? []))])),
                ("columns", .object(model.model.columns.map { column in
                    (column.name, .object([("name", .string(column.name)), ("description", .string(describe(column.description))),
                                           ("data_type", .optional(column.dataType))]))
                })),
                ("patch_path", .optional(model.model.propertiesFile)),
            ]))
        }
        // Seeds, with the checksum of their file (what `state:modified` compares for them).
        for seed in project.seeds {
            let contents = (try? String(contentsOfFile: project.root + "/" + seed.path, encoding: .utf8)) ?? ""
            nodes.append((seed.uniqueId, .object([
                ("unique_id", .string(seed.uniqueId)), ("resource_type", .string("seed")), ("name", .string(seed.name)),
                ("package_name", .string(seed.package.isEmpty ? project.file.name : seed.package)),
                ("original_file_path", .string(seed.path)), ("config", seed.config.json),
                ("checksum", .object([("name", .string("fnv64")), ("checksum", .string(Checksum.fnv64(contents)))])),
            ])))
        }
        let sources: [(String, JSONValue)] = project.sources.map { source in
            (source.uniqueId, .object([
                ("unique_id", .string(source.uniqueId)), ("resource_type", .string("source")),
                ("source_name", .string(source.sourceName)), ("name", .string(source.name)),
                ("identifier", .string(source.identifier)), ("schema", .string(source.schema)),
                ("relation_name", .string(Relation.quoted(source.schema, source.identifier))),
                ("description", .string(describe(source.description))), ("original_file_path", .string(source.file)),
                ("columns", .object(source.columns.map { ($0.name, .object([("name", .string($0.name)), ("description", .string(describe($0.description)))])) })),
            ]))
        }
        return .object([
            ("metadata", .object([("dbt_schema_version", .string("https://schemas.getdbt.com/dbt/manifest/v12.json")),
                                  ("generator", .string("rops")), ("generated_at", .string(timestamp())),
                                  ("project_name", .string(project.file.name))])),
            ("nodes", .object(nodes)), ("sources", .object(sources)),
            ("macros", .object((macros?.macros.values.sorted { $0.id < $1.id } ?? []).map { macro in
                (macro.id, .object([("unique_id", .string(macro.id)), ("name", .string(macro.name)), ("package_name", .string(macro.package)),
                                    ("original_file_path", .string(macro.path)),
                                    ("checksum", .object([("name", .string("sha1")), ("checksum", .string(macro.checksum))]))]))
            })),
            ("docs", .object(project.docs.values.sorted { $0.name < $1.name }.map { block in
                ("doc.\(project.file.name).\(block.name)", .object([
                    ("unique_id", .string("doc.\(project.file.name).\(block.name)")), ("resource_type", .string("doc")),
                    ("name", .string(block.name)), ("package_name", .string(project.file.name)),
                    ("original_file_path", .string(block.path)), ("block_contents", .string(block.contents)),
                ]))
            })),
            ("parent_map", .object(graph.order.map { ($0, .strings(graph.parents[$0] ?? [])) })),
            ("child_map", .object(graph.order.map { ($0, .strings(graph.children[$0] ?? [])) })),
        ])
    }

    public static func runResults(_ results: [NodeResult], elapsed: Double, arguments: [String]) -> JSONValue {
        .object([
            ("metadata", .object([("dbt_schema_version", .string("https://schemas.getdbt.com/dbt/run-results/v6.json")),
                                  ("generator", .string("rops")), ("generated_at", .string(timestamp()))])),
            ("elapsed_time", .double(elapsed)),
            ("args", .object([("argv", .strings(arguments))])),
            ("results", .array(results.map { result in
                .object([
                    ("unique_id", .string(result.id)), ("status", .string(result.status.rawValue)),
                    ("execution_time", .double(result.seconds)), ("message", .string(result.message)),
                    ("adapter_response", .object([("rows_affected", result.rowsAffected.map { .int($0) } ?? .null),
                                                  ("_message", .string(result.message))])),
                    ("compiled_code", .optional(result.compiledSQL)), ("relation_name", .string(result.relation)),
                    ("failures", .null),
                ])
            })),
        ])
    }

    /// Fails before any database work when `target/` cannot take the run's artifacts (a file in its
    /// place, no permission, a read-only disk), instead of after the build changed the database.
    public static func ensureWritable(_ folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let probe = folder + "/.rops-write-check-\(getpid())"
        try Data().write(to: URL(fileURLWithPath: probe))
        try FileManager.default.removeItem(atPath: probe)
    }

    public static func write(_ json: JSONValue, to path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(json.text().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// `rops build`'s run_results: the models' results followed by the tests'.
    public static func appendingTests(_ results: [TestResult], to runResults: JSONValue) -> JSONValue {
        guard case .object(let pairs) = runResults else { return runResults }
        return .object(pairs.map { key, value in
            guard key == "results", case .array(let items) = value else { return (key, value) }
            return (key, .array(items + results.map(json)))
        })
    }

    /// `rops test`'s run_results.
    public static func testResults(_ results: [TestResult], elapsed: Double) -> JSONValue {
        .object([
            ("metadata", .object([("generator", .string("rops")), ("generated_at", .string(timestamp()))])),
            ("elapsed_time", .double(elapsed)),
            ("results", .array(results.map(json))),
        ])
    }

    static func json(_ result: TestResult) -> JSONValue {
        .object([("unique_id", .string(result.test.uniqueId)), ("status", .string(result.status.rawValue)),
                 ("failures", .int(result.failures)), ("execution_time", .double(result.seconds)),
                 ("message", .string(result.message)), ("compiled_code", .string(result.test.sql))])
    }

    /// JUnit XML at `path` (made absolute from the current folder), creating its folder.
    public static func writeJUnit(_ results: [TestResult], elapsed: Double, to path: String) throws {
        let path = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try writeText(JUnitReport.xml(results, elapsed: elapsed), to: path)
    }

    /// `target/compiled/<project>/<model path>` for each model.
    public static func writeCompiled(_ models: [CompiledModel], project: Project, target: String) throws {
        try writeCompiled(models.map { ($0.model.path, $0.compiledSQL) }, project: project, target: target)
    }

    /// The SQL each model ran with (rendered with the database at hand, as dbt-core's target/compiled holds it).
    public static func writeCompiled(_ rendered: [(path: String, sql: String)], project: Project, target: String) throws {
        var folders: Set<String> = []
        for (modelPath, sql) in rendered {
            let path = target + "/compiled/" + project.file.name + "/" + modelPath
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if folders.insert(folder).inserted {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try writeText(sql, to: path)
        }
    }

    /// `target/compiled/<project>/tests/<test>.sql` for each test.
    public static func writeCompiled(_ tests: [DataTest], project: Project, target: String) throws {
        let folder = target + "/compiled/" + project.file.name + "/tests"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for test in tests { try writeText(test.sql + "\n", to: folder + "/" + test.name + ".sql") }
    }

    /// A file written in place with one fopen/fwrite: target/ is scratch space, and an atomic rename
    /// per compiled model costs more than rendering it.
    static func writeText(_ text: String, to path: String) throws {
        // An unchanged file is left alone: rewriting a thousand compiled models costs more than
        // comparing them, and tools watching target/ see only what changed.
        if let existing = FileManager.default.contents(atPath: path), existing.count == text.utf8.count,
           existing.elementsEqual(text.utf8) { return }
        guard let file = fopen(path, "w") else { throw SessionError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != text.utf8.count { throw SessionError("cannot write \(path): disk full?") }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
