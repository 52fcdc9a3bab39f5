import Foundation
import Graph
import Project

/// `target/manifest.json` and `target/run_results.json`, in shapes close to dbt's so tools that read
/// dbt artifacts can read ours.
public enum Artifacts {
    public static func manifest(project: Project, models: [CompiledModel], graph: DependencyGraph) -> [String: Any] {
        var nodes: [String: Any] = [:]
        for model in models {
            nodes["model.\(model.name)"] = [
                "unique_id": "model.\(model.name)", "resource_type": "model", "name": model.name,
                "package_name": project.file.name, "path": model.model.path, "original_file_path": model.model.path,
                "fqn": [project.file.name] + model.model.folders + [model.name], "schema": model.schema,
                "alias": model.identifier, "relation_name": model.relation, "description": model.model.description,
                "config": model.config.json, "tags": model.config.tags, "raw_code": model.model.rawSQL,
                "compiled_code": model.compiledSQL, "language": "sql",
                "checksum": ["name": "fnv64", "checksum": Checksum.fnv64(model.model.rawSQL)],
                "depends_on": ["nodes": model.dependsOn, "macros": [String]()],
                "columns": Dictionary(uniqueKeysWithValues: model.model.columns.map {
                    ($0.name, ["name": $0.name, "description": $0.description, "data_type": $0.dataType as Any] as [String: Any])
                }),
                "patch_path": model.model.propertiesFile as Any,
            ] as [String: Any]
        }
        var sources: [String: Any] = [:]
        for source in project.sources {
            sources[source.uniqueId] = [
                "unique_id": source.uniqueId, "resource_type": "source", "source_name": source.sourceName,
                "name": source.name, "identifier": source.identifier, "schema": source.schema,
                "relation_name": Relation.quoted(source.schema, source.identifier), "description": source.description,
                "original_file_path": source.file,
                "columns": Dictionary(uniqueKeysWithValues: source.columns.map { ($0.name, ["name": $0.name, "description": $0.description]) }),
            ] as [String: Any]
        }
        var parentMap: [String: [String]] = [:], childMap: [String: [String]] = [:]
        for id in graph.order {
            parentMap[id] = graph.parents[id] ?? []
            childMap[id] = graph.children[id] ?? []
        }
        return [
            "metadata": ["dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
                         "generator": "rops", "generated_at": timestamp(), "project_name": project.file.name],
            "nodes": nodes, "sources": sources, "macros": [String: Any](), "parent_map": parentMap, "child_map": childMap,
        ]
    }

    public static func runResults(_ results: [NodeResult], elapsed: Double, arguments: [String]) -> [String: Any] {
        [
            "metadata": ["dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
                         "generator": "rops", "generated_at": timestamp()],
            "elapsed_time": elapsed,
            "args": ["argv": arguments],
            "results": results.map { result -> [String: Any] in
                [
                    "unique_id": result.id, "status": result.status == .error ? "error" : result.status.rawValue,
                    "execution_time": result.seconds, "message": result.message, "thread_id": "",
                    "adapter_response": ["rows_affected": result.rowsAffected as Any, "_message": result.message],
                    "compiled_code": result.compiledSQL as Any, "relation_name": result.relation, "failures": NSNull(),
                ]
            },
        ]
    }

    public static func write(_ object: [String: Any], to path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: sanitize(object), options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// JSONSerialization rejects Optional-in-Any; turn nils into NSNull.
    static func sanitize(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return NSNull() }
            return sanitize(wrapped)
        }
        switch value {
        case let dict as [String: Any]: return dict.mapValues(sanitize)
        case let list as [Any]: return list.map(sanitize)
        default: return value
        }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
