import Foundation
import Template
import Yams

/// The project's settings: `project.yml`, or a dbt project's `dbt_project.yml` read with the same meaning.
public struct ProjectFile: @unchecked Sendable {
    public enum Kind: Sendable { case rops, dbt }

    public let root: String
    public let path: String
    /// Read from a dbt project's `dbt_project.yml` (rops then follows dbt-core where the two differ).
    public var isDbtProject: Bool { path.hasSuffix("dbt_project.yml") }
    public let kind: Kind
    public let name: String
    public let connection: ConnectionProfile?
    /// The schema for models without a `schema` config (dbt: the profile target's schema).
    public let defaultSchema: String
    public let threads: Int?
    /// A dbt project's profile name and the target chosen in it (`target.profile_name`, `target.name`).
    public var profileName: String?
    public var profileTarget: String?
    /// A target was chosen by name (`--target`, `ROPS_TARGET`): its connection outranks
    /// `DB_CONNECTION_STRING`, which only says where to go when nothing was asked for.
    public var targetChosen = false
    /// The names under `targets:` (project.yml), for messages.
    public var targetNames: [String] = []
    public let modelPaths: [String]
    public let seedPaths: [String]
    public let macroPaths: [String]
    public let testPaths: [String]
    public let snapshotPaths: [String]
    /// Where `{% docs %}` blocks are read from (`docs-paths`; by default every resource path, as in dbt).
    public let docsPaths: [String]
    public let targetPath: String
    /// Where `rops deps` installs packages (`packages-install-path`, dbt's default `dbt_packages`).
    public let packagesInstallPath: String
    /// `dispatch:` search orders by macro namespace.
    public let dispatch: [String: [String]]
    public let vars: [String: Value]
    /// `on-run-start` / `on-run-end`: SQL templates run before and after `run`, `build`, `seed`, `snapshot`, `test`.
    public var onRunStart: [String] = []
    public var onRunEnd: [String] = []
    /// The `models:` / `seeds:` / `data_tests:` config trees, with their file for error messages.
    let modelsConfig: Node?
    let seedsConfig: Node?
    let testsConfig: Node?
    let snapshotsConfig: Node?
    let document: YAMLDocument

    static let connectionKeys: Set<String> = ["url", "host", "hostaddr", "port", "user", "password", "dbname",
                                              "sslmode", "sslrootcert", "connect_timeout", "options", "application_name"]

    static let topLevelKeys: Set<String> = [
        "name", "version", "profile", "connection", "schema", "threads", "model-paths", "source-paths", "seed-paths",
        "data-paths", "macro-paths", "test-paths", "target-path", "vars", "models", "seeds", "tests", "data_tests",
        "sources", "on-run-start", "on-run-end", "config-version", "require-dbt-version", "clean-targets",
        "analysis-paths", "snapshot-paths", "docs-paths", "asset-paths", "packages-install-path", "query-comment",
        "quoting", "dispatch", "flags", "snapshots", "dbt-cloud", "restrict-access", "semantic-models",
        "saved-queries", "metrics", "exposures", "log-path", "unit_tests", "targets",
    ]

    /// The environment variable that names the target (`--target` sets it).
    public static let targetVariable = "ROPS_TARGET"

    /// Reads `<root>/project.yml`, else `<root>/dbt_project.yml`; nil when there is neither.
    /// `asPackage`: an installed package's project file, whose `profile:` is not the run's.
    public static func load(projectRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            asPackage: Bool = false) throws -> ProjectFile? {
        let ropsPath = projectRoot + "/project.yml", dbtPath = projectRoot + "/dbt_project.yml"
        let manager = FileManager.default
        let (path, kind): (String, Kind)
        if manager.fileExists(atPath: ropsPath) { (path, kind) = (ropsPath, .rops) }
        else if manager.fileExists(atPath: dbtPath) { (path, kind) = (dbtPath, .dbt) }
        else { return nil }
        let document = try YAMLDocument.load(path, displayPath: path)
        guard let root = document.root, root.mapping != nil else {
            throw ProjectError(file: path, line: 1, message: "expected a mapping with at least `name:`")
        }
        let entries = try document.mapping(root, "the project file")
        try document.checkKeys(entries, allowed: topLevelKeys, in: URL(fileURLWithPath: path).lastPathComponent)
        func node(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
        guard let name = try document.string(node("name"), "name"), !name.isEmpty else {
            throw ProjectError(file: path, line: 1, message: "missing `name:` (the project's name)")
        }
        func paths(_ keys: [String], _ fallback: String) throws -> [String] {
            for key in keys {
                if let list = node(key) { return try document.sequence(list, key).compactMap { $0.string } }
            }
            return [fallback]
        }
        var vars: [String: Value] = [:]
        for entry in try document.mapping(node("vars"), "vars") { vars[entry.key] = YAMLValue.value(entry.value) }

        var connection = try parseConnection(node("connection"), document: document)
        var defaultSchema = try document.string(node("schema"), "schema") ?? "public"
        var threads = node("threads")?.int
        var profileTarget: String?
        let profileName = try document.string(node("profile"), "profile")
        // project.yml's `targets:` name other connections (`connection:` is the default);
        // `--target <name>` picks one, and `target.name` in templates is its name.
        let targets = try document.mapping(node("targets"), "targets")
        var targetChosen = false
        if kind == .rops, !asPackage, let chosen = environment[targetVariable], !chosen.isEmpty {
            guard let entry = targets.first(where: { $0.key == chosen }) else {
                let known = targets.map(\.key)
                let message = "no target '\(chosen)' under `targets:`" + (known.isEmpty ? " (the file has no `targets:`)" : "; it has \(known.joined(separator: ", "))")
                throw node("targets").map { document.error($0, message) } ?? ProjectError(file: path, line: 1, message: message)
            }
            connection = try parseConnection(entry.value, document: document)
            profileTarget = chosen
            targetChosen = true
        }
        if kind == .dbt, !asPackage, let profileName {
            if let profile = try DbtProfiles.load(profileName, projectRoot: projectRoot, environment: environment) {
                connection = profile.connection
                defaultSchema = profile.schema ?? defaultSchema
                threads = threads ?? profile.threads
                profileTarget = profile.target
            }
        }
        let modelPaths = try paths(["model-paths", "source-paths"], "models")
        let seedPaths = try paths(["seed-paths", "data-paths"], "seeds")
        let macroPaths = try paths(["macro-paths"], "macros")
        let testPaths = try paths(["test-paths"], "tests")
        let snapshotPaths = try paths(["snapshot-paths"], "snapshots")
        let resourcePaths = modelPaths + seedPaths + macroPaths + testPaths
            + (try paths(["analysis-paths"], "analyses")) + (try paths(["snapshot-paths"], "snapshots"))
        let docsPaths = node("docs-paths") == nil ? resourcePaths : try paths(["docs-paths"], "docs")
        var dispatch: [String: [String]] = [:]
        if let entries = node("dispatch") {
            for entry in try document.sequence(entries, "dispatch") {
                guard let namespace = entry.mapping?["macro_namespace"]?.string,
                      let order = entry.mapping?["search_order"]?.sequence?.compactMap(\.string) else {
                    throw document.error(entry, "a `dispatch:` entry needs `macro_namespace:` and a `search_order:` list")
                }
                dispatch[namespace] = order
            }
        }
        func hooks(_ key: String) -> [String] {
            guard let hook = node(key) else { return [] }
            if let text = hook.string { return [text] }
            return hook.sequence?.compactMap(\.string) ?? []
        }
        var file = ProjectFile(
            root: projectRoot, path: path, kind: kind, name: name, connection: connection,
            defaultSchema: defaultSchema, threads: threads, profileName: profileName, profileTarget: profileTarget,
            modelPaths: modelPaths, seedPaths: seedPaths, macroPaths: macroPaths, testPaths: testPaths, snapshotPaths: snapshotPaths,
            docsPaths: ProjectCompiler.unique(docsPaths),
            targetPath: try document.string(node("target-path"), "target-path") ?? "target",
            packagesInstallPath: try document.string(node("packages-install-path"), "packages-install-path") ?? "dbt_packages",
            dispatch: dispatch,
            vars: vars, modelsConfig: node("models"), seedsConfig: node("seeds"),
            testsConfig: node("data_tests") ?? node("tests"), snapshotsConfig: node("snapshots"), document: document)
        file.targetChosen = targetChosen || (kind == .dbt && environment["DBT_TARGET"] != nil && profileTarget != nil)
        file.targetNames = targets.map(\.key)
        file.onRunStart = hooks("on-run-start")
        file.onRunEnd = hooks("on-run-end")
        return file
    }

    static func parseConnection(_ node: Node?, document: YAMLDocument) throws -> ConnectionProfile? {
        guard let node else { return nil }
        if let url = node.string { return ConnectionProfile(url: url, keywords: []) }
        var profile = ConnectionProfile(url: nil, keywords: [])
        let entries = try document.mapping(node, "`connection:`")
        try document.checkKeys(entries, allowed: connectionKeys, in: "connection")
        for entry in entries {
            let value = entry.value.string ?? ""
            if entry.key == "url" { profile.url = value } else { profile.keywords.append((entry.key, value)) }
        }
        return profile
    }
}

/// dbt's `profiles.yml`: `<profile>: {target: dev, outputs: {dev: {type: postgres, host, …}}}`.
enum DbtProfiles {
    struct Profile {
        let connection: ConnectionProfile
        let schema: String?
        let threads: Int?
        let target: String
    }

    /// `env_var(name, default)` for the files dbt renders before any project context (profiles.yml, packages.yml).
    static func envVarFunction(_ environment: [String: String]) -> Value {
        .function(Function(name: "env_var") { a in
            let key = a.positional.first?.stringValue ?? ""
            if let value = environment[key] { return .string(value) }
            if a.positional.count > 1 { return a.positional[1] }
            throw HostError("env var '\(key)' is not set")
        })
    }

    static func load(_ name: String, projectRoot: String, environment: [String: String]) throws -> Profile? {
        var folders: [String] = []
        if let explicit = environment["DBT_PROFILES_DIR"] { folders.append(explicit) }
        folders.append(projectRoot)
        if let home = environment["HOME"] { folders.append(home + "/.dbt") }
        guard let path = folders.map({ $0 + "/profiles.yml" }).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            return nil
        }
        let document = try YAMLDocument.load(path, displayPath: path)
        guard let profileNode = document.root?.mapping?[name] else {
            throw ProjectError(file: path, message: "no profile named '\(name)' (dbt_project.yml asks for it)")
        }
        let target = environment["DBT_TARGET"] ?? profileNode.mapping?["target"]?.string ?? "dev"
        guard let output = profileNode.mapping?["outputs"]?.mapping?[target] else {
            throw document.error(profileNode, "profile '\(name)' has no output '\(target)'")
        }
        let envVar = envVarFunction(environment)
        func field(_ key: String) throws -> String? {
            guard let raw = output.mapping?[key] else { return nil }
            let text = raw.string ?? ""
            guard text.contains("{{") else { return text }
            do {
                return try Template(source: text, file: path).render(["env_var": envVar])
            } catch {
                throw document.error(raw, "\(error)")
            }
        }
        if let type = try field("type"), type != "postgres" {
            throw document.error(output, "rops builds on PostgreSQL; profile '\(name)' is of type '\(type)'")
        }
        var keywords: [(String, String)] = []
        if let host = try field("host") { keywords.append(("host", host)) }
        if let port = try field("port") { keywords.append(("port", port)) }
        if let user = try field("user") ?? field("username") { keywords.append(("user", user)) }
        if let password = try field("password") ?? field("pass") { keywords.append(("password", password)) }
        if let database = try field("dbname") ?? field("database") { keywords.append(("dbname", database)) }
        if let sslmode = try field("sslmode") { keywords.append(("sslmode", sslmode)) }
        return Profile(connection: ConnectionProfile(url: nil, keywords: keywords), schema: try field("schema"),
                       threads: Int(try field("threads") ?? ""), target: target)
    }
}
