import Foundation
import Template
import Yams

/// One entry of `packages.yml` / `dependencies.yml`.
public struct PackageRequirement: Sendable {
    public enum Source: Sendable, Equatable {
        /// A folder, relative to the project (`local: ../`).
        case local(String)
        /// A git repository (`git:` with `revision:` and `subdirectory:`), fetched with the git CLI.
        case git(url: String, revision: String?, subdirectory: String?)
        /// A dbt Hub package (`package: dbt-labs/dbt_utils`, `version:`).
        case hub(String, versions: [String])
        case tarball(url: String, name: String?)
    }

    public let source: Source
    /// The keys and values as written (after `env_var()`), for the lock file and its hash.
    public let written: [(String, String)]
    public let file: String
    public let line: Int?
}

/// The packages a project asks for: `packages.yml` or `dependencies.yml` beside the project file.
public enum DeclaredPackages {
    public static let fileNames = ["packages.yml", "dependencies.yml"]

    /// The requirements and the file they come from; nil when the project declares none.
    public static func read(projectRoot: String, environment: [String: String]) throws -> (file: String, packages: [PackageRequirement])? {
        var found: (String, [PackageRequirement])?
        for name in fileNames {
            let path = projectRoot + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let document = try YAMLDocument.load(path, displayPath: name)
            guard let list = document.root?.mapping?["packages"] else { continue }
            if let first = found {
                throw ProjectError(file: name, message: "packages are declared both here and in \(first.0); keep them in one of the two files")
            }
            found = (name, try document.sequence(list, "`packages:`").map { try requirement($0, document, environment: environment) })
        }
        return found
    }

    static func requirement(_ node: Node, _ document: YAMLDocument, environment: [String: String]) throws -> PackageRequirement {
        let entries = try document.mapping(node, "a package entry")
        var written: [(String, String)] = []
        for entry in entries {
            if let items = entry.value.sequence {
                written.append((entry.key, items.compactMap(\.string).joined(separator: "\u{0}")))
            } else {
                written.append((entry.key, try rendered(entry.value.string ?? "", document, entry.value, environment)))
            }
        }
        func field(_ key: String) -> String? { written.first { $0.0 == key }?.1 }
        let source: PackageRequirement.Source
        if let local = field("local") {
            source = .local(local)
        } else if let git = field("git") {
            source = .git(url: git, revision: field("revision"), subdirectory: field("subdirectory"))
        } else if let package = field("package") {
            source = .hub(package, versions: (field("version") ?? "").split(separator: "\u{0}").map(String.init))
        } else if let tarball = field("tarball") {
            source = .tarball(url: tarball, name: field("name"))
        } else {
            throw document.error(node, "a package entry needs one of `local:`, `git:`, `package:` (dbt Hub) or `tarball:`")
        }
        return PackageRequirement(source: source, written: written, file: document.path, line: node.mark?.line)
    }

    /// `{{ env_var('TOKEN') }}` in a package entry, as dbt renders it.
    private static func rendered(_ text: String, _ document: YAMLDocument, _ node: Node, _ environment: [String: String]) throws -> String {
        guard text.contains("{{") else { return text }
        let envVar = DbtProfiles.envVarFunction(environment)
        do {
            return try Template(source: text, file: document.path).render(["env_var": envVar])
        } catch {
            throw document.error(node, "\(error)")
        }
    }
}

/// The packages installed under the project's `packages-install-path` (by `rops deps` or `dbt deps`).
enum InstalledPackages {
    static func load(for file: ProjectFile, environment: [String: String]) throws -> [PackageProject] {
        guard file.isDbtProject || FileManager.default.fileExists(atPath: file.root + "/packages.yml") else { return [] }
        let folder = file.root + "/" + file.packagesInstallPath
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        var packages: [PackageProject] = []
        for name in names {
            let root = folder + "/" + name
            guard let packageFile = try ProjectFile.load(projectRoot: root, environment: environment, asPackage: true) else { continue }
            packages.append(PackageProject(name: packageFile.name, root: root, file: packageFile))
        }
        if let declared = try DeclaredPackages.read(projectRoot: file.root, environment: environment),
           declared.packages.count > packages.count {
            throw ProjectError(file: declared.file,
                               message: "\(declared.packages.count) package\(declared.packages.count == 1 ? " is" : "s are") declared here but \(packages.count) installed in \(file.packagesInstallPath)/; run `rops deps` to install them")
        }
        return packages
    }
}
