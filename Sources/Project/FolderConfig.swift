import Foundation
import Template
import Yams

/// The per-folder defaults of `models:` and `seeds:` in the project file, as dbt writes them:
/// `models: {<project>: {staging: {+materialized: table, +schema: staging}}}` (the project level may be left out).
struct FolderConfig {
    let file: ProjectFile
    let models: [ModelNode]
    let seeds: [SeedNode]

    /// A root model's defaults; a package's model takes its package's `models:` tree, then the root
    /// project's `models: {<package>: …}` on top, as in dbt.
    func modelDefaults(for model: ModelNode, packageFile: ProjectFile? = nil) -> NodeConfig {
        let path = model.folders + [model.name]
        guard let packageFile, packageFile.name != file.name else { return defaults(tree: file.modelsConfig, path: path) }
        var config = FolderConfig(file: packageFile, models: [], seeds: []).defaults(tree: packageFile.modelsConfig, path: path)
        config.merge(defaults(tree: file.modelsConfig, path: path, projectName: packageFile.name, projectOnly: true).values.map { ($0.key, $0.value) })
        return config
    }

    /// A snapshot's defaults: `snapshots:` in the project file, under `materialized: snapshot`.
    func snapshotDefaults(for model: ModelNode) -> NodeConfig {
        var config = NodeConfig()
        config.set("materialized", .string(Materialization.snapshot.rawValue))
        config.merge(defaults(tree: file.snapshotsConfig, path: model.folders + [model.name]).values.map { ($0.key, $0.value) })
        return config
    }

    func seedDefaults(for seed: SeedNode, packageFile: ProjectFile? = nil) -> NodeConfig {
        let inside = seed.seedPath.isEmpty ? String(seed.path.split(separator: "/").dropFirst().joined(separator: "/"))
                                           : String(seed.path.dropFirst(seed.seedPath.count + 1))
        let path = inside.split(separator: "/").dropLast().map(String.init) + [seed.name]
        guard let packageFile, packageFile.name != file.name else { return defaults(tree: file.seedsConfig, path: path) }
        var config = FolderConfig(file: packageFile, models: [], seeds: []).defaults(tree: packageFile.seedsConfig, path: path)
        config.merge(defaults(tree: file.seedsConfig, path: path, projectName: packageFile.name, projectOnly: true).values.map { ($0.key, $0.value) })
        return config
    }

    /// Collects configs from the top of the tree down the folder path; deeper levels win. With
    /// `projectOnly`, only the `<projectName>:` level and below count (the root's settings for a package).
    fileprivate func defaults(tree: Node?, path: [String], projectName: String? = nil, projectOnly: Bool = false) -> NodeConfig {
        var config = NodeConfig()
        guard var level = tree?.mapping else { return config }
        let name = projectName ?? file.name
        if let projectLevel = level[name]?.mapping {
            if !projectOnly { collect(level, into: &config) }
            level = projectLevel
        } else if projectOnly {
            return config
        }
        collect(level, into: &config)
        for component in path {
            guard let next = level[component]?.mapping else { break }
            collect(next, into: &config)
            level = next
        }
        return config
    }

    private func collect(_ mapping: Node.Mapping, into config: inout NodeConfig) {
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let normalised = NodeConfig.normalise(name)
            if name.hasPrefix("+") || (NodeConfig.knownKeys.contains(normalised) && value.mapping == nil) {
                config.set(normalised, YAMLValue.value(value))
            }
        }
    }

    /// Every key must be a config (`+key`), a folder or a model: typos are reported with file and line.
    func validate() throws {
        var folderPaths: Set<[String]> = [[]]
        // Folders that exist count even while empty (a layer waiting for its first model is no typo).
        for modelPath in file.modelPaths {
            let root = file.root + "/" + modelPath
            guard let entries = FileManager.default.enumerator(atPath: root) else { continue }
            for case let relative as String in entries {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), isDirectory.boolValue {
                    folderPaths.insert(relative.split(separator: "/").map(String.init))
                }
            }
        }
        for model in models {
            for depth in 0...model.folders.count { folderPaths.insert(Array(model.folders.prefix(depth))) }
        }
        let modelNames = Set(models.map(\.name))
        if let tree = file.modelsConfig { try validate(tree, at: [], folders: folderPaths, names: modelNames, section: "models") }
        let seedNames = Set(seeds.map(\.name))
        if let tree = file.seedsConfig { try validate(tree, at: [], folders: [[]], names: seedNames, section: "seeds", lenientFolders: true) }
        if let tree = file.testsConfig { try validate(tree, at: [], folders: [[]], names: [], section: "data_tests", lenientFolders: true) }
    }

    private func validate(_ node: Node, at path: [String], folders: Set<[String]>, names: Set<String>, section: String,
                          lenientFolders: Bool = false) throws {
        guard let mapping = node.mapping else { return }
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let normalised = NodeConfig.normalise(name)
            if name.hasPrefix("+") {
                guard NodeConfig.knownKeys.contains(normalised) else {
                    var message = "unknown config '\(name)' under `\(section):`"
                    if let suggestion = closest(normalised, among: NodeConfig.knownKeys) { message += "; did you mean '+\(suggestion)'?" }
                    throw file.document.error(key, message)
                }
                continue
            }
            if NodeConfig.knownKeys.contains(normalised) && value.mapping == nil { continue }
            if path.isEmpty && name == file.name {
                try validate(value, at: path, folders: folders, names: names, section: section, lenientFolders: lenientFolders)
                continue
            }
            let child = path + [name]
            if folders.contains(child) || names.contains(name) || lenientFolders {
                try validate(value, at: child, folders: folders, names: names, section: section, lenientFolders: lenientFolders)
                continue
            }
            var message = "`\(section):` names '\(name)', which is neither a config (write '+\(name)' for one) nor a folder or model under \(path.isEmpty ? "the model paths" : path.joined(separator: "/"))"
            let siblings = folders.filter { $0.count == child.count && Array($0.dropLast()) == path }.compactMap(\.last)
            if let suggestion = closest(name, among: siblings + Array(NodeConfig.knownKeys)) { message += "; did you mean '\(suggestion)'?" }
            throw file.document.error(key, message)
        }
    }
}

extension ProjectFile {
    /// The `data_tests:` defaults (`+store_failures`, `+severity`, …) for a test declared in `file`
    /// (project-relative: a properties YAML file or a singular test's SQL), scoped like `models:` by
    /// the folders under its model or test path; deeper levels win.
    public func testDefaults(forFile file: String) -> [String: Value] {
        guard testsConfig != nil else { return [:] }
        var folders = file.split(separator: "/").map(String.init).dropLast()
        for root in (modelPaths + testPaths).map({ $0.split(separator: "/").map(String.init) }) where folders.starts(with: root) {
            folders = folders.dropFirst(root.count)
            break
        }
        return FolderConfig(file: self, models: [], seeds: []).defaults(tree: testsConfig, path: Array(folders)).values
    }
}
