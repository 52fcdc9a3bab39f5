import Foundation
import Template
import Yams

/// Reads a project folder: model, seed, macro and test files, and the YAML properties beside them.
public enum ProjectLoader {
    public static func load(root: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Project {
        guard let file = try ProjectFile.load(projectRoot: root, environment: environment) else {
            throw ProjectError(file: root, message: "no project.yml (or dbt_project.yml) here; run rops in a project folder or pass --project-dir")
        }
        var models: [ModelNode] = []
        var propertyFiles: [String] = []
        for modelPath in file.modelPaths {
            for relative in files(under: root + "/" + modelPath) {
                let full = root + "/" + modelPath + "/" + relative
                if relative.hasSuffix(".sql") {
                    let components = relative.split(separator: "/").map(String.init)
                    let name = String(components.last!.dropLast(4))
                    let sql = try read(full, display: modelPath + "/" + relative)
                    models.append(ModelNode(name: name, path: modelPath + "/" + relative, folders: Array(components.dropLast()), rawSQL: sql))
                } else if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                    propertyFiles.append(modelPath + "/" + relative)
                }
            }
        }
        try rejectDuplicates(models.map { ($0.name, $0.path) }, kind: "model")

        var seeds: [SeedNode] = []
        for seedPath in file.seedPaths {
            for relative in files(under: root + "/" + seedPath) {
                if relative.hasSuffix(".csv") {
                    let name = String(relative.split(separator: "/").last!.dropLast(4))
                    seeds.append(SeedNode(name: name, path: seedPath + "/" + relative))
                } else if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                    propertyFiles.append(seedPath + "/" + relative)
                }
            }
        }
        var macroFiles: [MacroFile] = []
        for macroPath in file.macroPaths {
            for relative in files(under: root + "/" + macroPath) where relative.hasSuffix(".sql") {
                macroFiles.append(MacroFile(path: macroPath + "/" + relative,
                                            source: try read(root + "/" + macroPath + "/" + relative, display: macroPath + "/" + relative)))
            }
        }
        var singular: [SingularTest] = []
        for testPath in file.testPaths {
            for relative in files(under: root + "/" + testPath) where relative.hasSuffix(".sql") {
                if relative.hasPrefix("generic/") {
                    macroFiles.append(MacroFile(path: testPath + "/" + relative,
                                                source: try read(root + "/" + testPath + "/" + relative, display: testPath + "/" + relative)))
                } else {
                    singular.append(SingularTest(name: String(relative.split(separator: "/").last!.dropLast(4)),
                                                 path: testPath + "/" + relative,
                                                 rawSQL: try read(root + "/" + testPath + "/" + relative, display: testPath + "/" + relative)))
                }
            }
        }

        var properties = PropertiesReader(root: root, file: file)
        for path in propertyFiles { try properties.read(path) }
        try properties.apply(to: &models, seeds: &seeds)
        let folderConfig = FolderConfig(file: file, models: models, seeds: seeds)
        try folderConfig.validate()
        for i in models.indices {
            var config = folderConfig.modelDefaults(for: models[i])
            config.merge(properties.modelConfigs[models[i].name] ?? [])
            models[i].config = config
        }
        for i in seeds.indices {
            var config = folderConfig.seedDefaults(for: seeds[i])
            config.merge(properties.seedConfigs[seeds[i].name] ?? [])
            seeds[i].config = config
        }
        return Project(file: file, models: models.sorted { $0.path < $1.path }, sources: properties.sources,
                       seeds: seeds.sorted { $0.path < $1.path }, macroFiles: macroFiles.sorted { $0.path < $1.path },
                       singularTests: singular.sorted { $0.path < $1.path }, docs: try docBlocks(root: root, file: file))
    }

    /// The `{% docs %}` blocks of the Markdown files under the docs paths; a name used twice is an error.
    static func docBlocks(root: String, file: ProjectFile) throws -> [String: DocBlock] {
        var blocks: [String: DocBlock] = [:]
        for docsPath in file.docsPaths {
            for relative in files(under: root + "/" + docsPath) where relative.hasSuffix(".md") {
                let display = docsPath + "/" + relative
                for block in try DocBlock.parse(try read(root + "/" + display, display: display), path: display) {
                    if let first = blocks[block.name] {
                        throw ProjectError(file: block.path, line: block.line,
                                           message: "two docs blocks are named '\(block.name)': \(first.path):\(first.line) and this one; names must be unique")
                    }
                    blocks[block.name] = block
                }
            }
        }
        return blocks
    }

    /// Relative paths of the regular files under `folder`, sorted; hidden files skipped.
    static func files(under folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var result: [String] = []
        for case let relative as String in enumerator {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(relative)
            }
        }
        return result.sorted()
    }

    static func read(_ path: String, display: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ProjectError(file: display, message: "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw ProjectError(file: display, message: "not valid UTF-8") }
        return text
    }

    static func rejectDuplicates(_ items: [(String, String)], kind: String) throws {
        var seen: [String: String] = [:]
        for (name, path) in items {
            if let first = seen[name] {
                throw ProjectError(file: path, line: 1, message: "two \(kind)s are named '\(name)': \(first) and \(path); names must be unique")
            }
            seen[name] = path
        }
    }
}
