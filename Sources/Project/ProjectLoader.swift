import Foundation
import Template
import Yams

/// Reads a project folder: model, seed, macro and test files, and the YAML properties beside them.
public enum ProjectLoader {
    public static func load(root: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Project {
        guard let file = try ProjectFile.load(projectRoot: root, environment: environment) else {
            throw ProjectError(file: root, message: "no project.yml (or dbt_project.yml) here; run rops in a project folder or pass --project-dir")
        }
        let packages = try InstalledPackages.load(for: file, environment: environment)
        var nodes = try nodes(of: file, under: "", package: file.name)
        for package in packages {
            let prefix = file.packagesInstallPath + "/" + URL(fileURLWithPath: package.root).lastPathComponent + "/"
            let found = try Self.nodes(of: package.file, under: prefix, package: package.name)
            nodes.models += found.models
            nodes.seeds += found.seeds
            nodes.macroFiles += found.macroFiles
            nodes.singular += found.singular
            nodes.propertyFiles += found.propertyFiles
            nodes.customMaterializations.merge(found.customMaterializations) { first, _ in first }
        }
        var (models, seeds) = (nodes.models, nodes.seeds)
        try rejectDuplicates(models.map { ($0.name, $0.path) }, kind: "model")

        var properties = PropertiesReader(root: root, file: file)
        for path in nodes.propertyFiles { try properties.read(path) }
        // dbt 1.9's YAML snapshots: `snapshots: [{name, relation: ref('x'), config}]`.
        for (name, relation) in properties.snapshotRelations.sorted(by: { $0.key < $1.key }) {
            var node = ModelNode(name: name, path: relation.file, folders: [], rawSQL: "select * from {{ \(relation.expression) }}")
            node.package = file.name
            node.isSnapshot = true
            models.append(node)
        }
        let warnings = try properties.apply(to: &models, seeds: &seeds)
        let packageFiles = Dictionary(packages.map { ($0.name, $0.file) }) { first, _ in first }
        let folderConfig = FolderConfig(file: file, models: models.filter { $0.package == file.name && !$0.isSnapshot },
                                        seeds: seeds.filter { $0.package == file.name })
        try folderConfig.validate()
        for i in models.indices {
            var config = models[i].isSnapshot ? folderConfig.snapshotDefaults(for: models[i])
                : folderConfig.modelDefaults(for: models[i], packageFile: packageFiles[models[i].package])
            config.merge(properties.modelConfigs[models[i].name] ?? [])
            models[i].config = config
        }
        for i in seeds.indices {
            var config = folderConfig.seedDefaults(for: seeds[i], packageFile: packageFiles[seeds[i].package])
            config.merge(properties.seedConfigs[seeds[i].name] ?? [])
            seeds[i].config = config
        }
        var project = Project(file: file, models: models.sorted { $0.path < $1.path }, sources: properties.sources,
                              seeds: seeds.sorted { $0.path < $1.path }, macroFiles: nodes.macroFiles.sorted { $0.path < $1.path },
                              singularTests: nodes.singular.sorted { $0.path < $1.path }, docs: try docBlocks(root: root, file: file))
        project.packages = packages
        project.customMaterializations = nodes.customMaterializations
        project.warnings = warnings
        project.unitTests = properties.unitTests
        return project
    }

    struct FoundNodes {
        var models: [ModelNode] = []
        var seeds: [SeedNode] = []
        var macroFiles: [MacroFile] = []
        var singular: [SingularTest] = []
        var propertyFiles: [String] = []
        /// Custom materialization name → the macro file that defines it.
        var customMaterializations: [String: String] = [:]
    }

    /// The model, seed, macro and test files of one project (the root, or a package under `prefix`),
    /// with paths relative to the root project.
    static func nodes(of file: ProjectFile, under prefix: String, package: String) throws -> FoundNodes {
        var found = FoundNodes()
        let root = file.root
        for modelPath in file.modelPaths {
            for relative in files(under: root + "/" + modelPath) {
                let display = prefix + modelPath + "/" + relative
                if relative.hasSuffix(".sql") {
                    let components = relative.split(separator: "/").map(String.init)
                    var model = ModelNode(name: String(components.last!.dropLast(4)), path: display, folders: Array(components.dropLast()),
                                          rawSQL: try read(root + "/" + modelPath + "/" + relative, display: display))
                    model.package = package
                    found.models.append(model)
                } else if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                    found.propertyFiles.append(display)
                }
            }
        }
        for seedPath in file.seedPaths {
            for relative in files(under: root + "/" + seedPath) {
                if relative.hasSuffix(".csv") {
                    var seed = SeedNode(name: String(relative.split(separator: "/").last!.dropLast(4)), path: prefix + seedPath + "/" + relative)
                    seed.package = package
                    seed.seedPath = prefix + seedPath
                    found.seeds.append(seed)
                } else if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                    found.propertyFiles.append(prefix + seedPath + "/" + relative)
                }
            }
        }
        for snapshotPath in file.snapshotPaths {
            for relative in files(under: root + "/" + snapshotPath) {
                let display = prefix + snapshotPath + "/" + relative
                if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") { found.propertyFiles.append(display); continue }
                guard relative.hasSuffix(".sql") else { continue }
                let source = try read(root + "/" + snapshotPath + "/" + relative, display: display)
                let folders = Array(relative.split(separator: "/").map(String.init).dropLast())
                for block in try SnapshotBlocks.parse(source, path: display) {
                    var node = ModelNode(name: block.name, path: display, folders: folders, rawSQL: block.body)
                    node.package = package
                    node.isSnapshot = true
                    found.models.append(node)
                }
            }
        }
        for macroPath in file.macroPaths {
            for relative in files(under: root + "/" + macroPath) where relative.hasSuffix(".sql") {
                let display = prefix + macroPath + "/" + relative
                let stripped = MaterializationBlocks.strip(try read(root + "/" + macroPath + "/" + relative, display: display))
                for name in stripped.names { found.customMaterializations[name] = display }
                found.macroFiles.append(MacroFile(path: display, source: stripped.source, package: package))
            }
        }
        for testPath in file.testPaths {
            for relative in files(under: root + "/" + testPath) {
                let display = prefix + testPath + "/" + relative
                guard relative.hasSuffix(".sql") else { continue }
                let source = try read(root + "/" + testPath + "/" + relative, display: display)
                if relative.hasPrefix("generic/") {
                    found.macroFiles.append(MacroFile(path: display, source: source, package: package))
                } else {
                    found.singular.append(SingularTest(name: String(relative.split(separator: "/").last!.dropLast(4)),
                                                       path: display, rawSQL: source, package: package))
                }
            }
        }
        return found
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
