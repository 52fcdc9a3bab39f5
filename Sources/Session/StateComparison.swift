import Foundation
import Project

/// `--state DIR`: a previous run's artifacts (its target/ copied aside: manifest.json, and when
/// there run_results.json and sources.json), compared with the project now. Gives the node ids each
/// state selector matches, as dbt-core does:
/// - `state:new`: nodes the state does not have;
/// - `state:modified.body`: SQL (or a seed's file) changed; `state:modified.configs`: configs changed;
///   `state:modified.macros`: a macro the node calls (in the project or a package) changed;
///   `state:modified`: any of these, or new;
/// - `result:<status>`: the node's status in the state's run_results.json (error, fail, warn, pass, success, skipped);
/// - `source_status:fresher`: sources loaded more recently (target/sources.json now) than in the state's.
/// It also gives where the state built each model, for `--defer`.
public struct StateComparison {
    public let selectors: [String: Set<String>]
    /// Model name → where the state's run put it (schema, identifier).
    public let relations: [String: DeferredRelation]

    /// `needsManifest`: `state:` selectors and `--defer` compare with the state's manifest.json;
    /// `result:` and `source_status:` need only run_results.json / sources.json.
    public init(stateDirectory: String, session: ProjectSession, needsManifest: Bool = true) throws {
        let manifestPath = stateDirectory + "/manifest.json"
        guard FileManager.default.fileExists(atPath: stateDirectory) else {
            throw SessionError("--state \(stateDirectory): no such folder; pass the target/ folder of the run to compare with, copied aside")
        }
        let found = Self.read(manifestPath)
        if found == nil && needsManifest {
            throw SessionError("--state \(stateDirectory): no readable manifest.json there; copy the target/ folder of the run to compare with")
        }
        let state = found ?? [:]
        let current = Self.parse(Artifacts.manifest(project: session.project, models: session.models, graph: session.graph,
                                                     describe: session.compiler.description, macros: session.compiler.macroDependencies).text())
        let stateNodes = (state["nodes"] as? [String: [String: Any]]) ?? [:]
        let stateSources = (state["sources"] as? [String: Any]) ?? [:]
        let stateMacros = (state["macros"] as? [String: [String: Any]]) ?? [:]
        let currentNodes = (current?["nodes"] as? [String: [String: Any]]) ?? [:]
        let currentMacros = (current?["macros"] as? [String: [String: Any]]) ?? [:]
        var sets: [String: Set<String>] = [:]
        func add(_ key: String, _ id: String) { sets[key, default: []].insert(id) }
        for (id, node) in currentNodes {
            guard let old = stateNodes[id] else { add("state:new", id); continue }
            if (node["raw_code"] as? String) != (old["raw_code"] as? String) || Self.checksum(node) != Self.checksum(old) {
                add("state:modified.body", id)
            }
            if !NSDictionary(dictionary: (node["config"] as? [String: Any]) ?? [:]).isEqual(to: (old["config"] as? [String: Any]) ?? [:]) {
                add("state:modified.configs", id)
            }
            let macros = ((node["depends_on"] as? [String: Any])?["macros"] as? [String]) ?? []
            if macros.contains(where: { Self.checksum(currentMacros[$0] ?? [:]) != Self.checksum(stateMacros[$0] ?? [:]) }) {
                add("state:modified.macros", id)
            }
        }
        for source in session.project.sources where stateSources[source.uniqueId] == nil { add("state:new", source.uniqueId) }
        sets["state:modified"] = sets["state:new", default: []].union(sets["state:modified.body", default: []])
            .union(sets["state:modified.configs", default: []]).union(sets["state:modified.macros", default: []])
        if let results = Self.read(stateDirectory + "/run_results.json")?["results"] as? [[String: Any]] {
            for result in results {
                if let id = result["unique_id"] as? String, let status = result["status"] as? String { add("result:\(status)", id) }
            }
        }
        let before = Self.loadedAt(Self.read(stateDirectory + "/sources.json"))
        let now = Self.loadedAt(Self.read(session.targetPath + "/sources.json"))
        for (id, loaded) in now where before[id].map({ loaded > $0 }) ?? true { add("source_status:fresher", id) }
        selectors = sets
        var relations: [String: DeferredRelation] = [:]
        for (_, node) in stateNodes where (node["resource_type"] as? String) != "seed" {
            if let name = node["name"] as? String, let schema = node["schema"] as? String, let alias = node["alias"] as? String {
                relations[name] = DeferredRelation(schema: schema, identifier: alias)
            }
        }
        self.relations = relations
    }

    static func checksum(_ node: [String: Any]) -> String? { (node["checksum"] as? [String: Any])?["checksum"] as? String }

    static func loadedAt(_ sources: [String: Any]?) -> [String: String] {
        var result: [String: String] = [:]
        for case let entry as [String: Any] in (sources?["results"] as? [Any]) ?? [] {
            if let id = entry["unique_id"] as? String, let loaded = entry["max_loaded_at"] as? String { result[id] = loaded }
        }
        return result
    }

    static func read(_ path: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func parse(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
