import Foundation
import Project

/// `rops deps`: installs the packages of `packages.yml` / `dependencies.yml` (and theirs) into the
/// project's `packages-install-path`, and writes `package-lock.yml` as dbt does. A `local:` package
/// is linked, a `git:` one cloned with the git CLI at its `revision` (its `subdirectory` kept). dbt
/// Hub and tarball packages need a download rops does not make: they fail with what to write instead.
public struct PackageInstaller {
    public struct Installed: Sendable {
        public let name: String
        /// `local ../`, `git https://… @ 1.4.1 (3f2a…)`.
        public let origin: String
    }

    public let projectRoot: String
    public var environment: [String: String]
    /// Progress lines (`Installing …`).
    public var progress: (String) -> Void

    public init(projectRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                progress: @escaping (String) -> Void = { _ in }) {
        self.projectRoot = projectRoot
        self.environment = environment
        self.progress = progress
    }

    /// Installs everything declared; returns what was installed, root requirements first.
    @discardableResult
    public func install() throws -> [Installed] {
        guard let file = try ProjectFile.load(projectRoot: projectRoot, environment: environment, asPackage: true) else {
            throw ProjectError(file: projectRoot, message: "no dbt_project.yml (or project.yml) here; run rops deps in a project folder or pass --project-dir")
        }
        guard let declared = try DeclaredPackages.read(projectRoot: projectRoot, environment: environment) else {
            progress("No packages.yml or dependencies.yml with `packages:` here; nothing to install.")
            return []
        }
        let installRoot = projectRoot + "/" + file.packagesInstallPath
        try FileManager.default.createDirectory(atPath: installRoot, withIntermediateDirectories: true)
        var installed: [Installed] = []
        var lockEntries: [[(String, String)]] = []
        var queue = declared.packages.map { ($0, projectRoot) }
        var names: Set<String> = []
        while !queue.isEmpty {
            let (requirement, declaringRoot) = queue.removeFirst()
            let result = try install(requirement, declaredIn: declaringRoot, into: installRoot)
            guard names.insert(result.name).inserted else { continue }
            installed.append(Installed(name: result.name, origin: result.origin))
            if declaringRoot == projectRoot { lockEntries.append(result.lock) }
            if let nested = try DeclaredPackages.read(projectRoot: installRoot + "/" + result.name, environment: environment) {
                queue += nested.packages.map { ($0, installRoot + "/" + result.name) }
            }
        }
        try PackageLock.write(entries: lockEntries, declared: declared.packages, to: projectRoot + "/package-lock.yml")
        return installed
    }

    private func install(_ requirement: PackageRequirement, declaredIn root: String, into installRoot: String) throws
        -> (name: String, origin: String, lock: [(String, String)]) {
        let location = "\(requirement.file)\(requirement.line.map { ":\($0)" } ?? "")"
        switch requirement.source {
        case .local(let path):
            let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: root + "/")).standardizedFileURL.path
            let name = try packageName(at: absolute, location: location, what: "local: \(path)")
            progress("Installing \(name) from local \(path)")
            try replace(installRoot + "/" + name) { try FileManager.default.createSymbolicLink(atPath: $0, withDestinationPath: absolute) }
            return (name, "local \(path)", [("local", path)])
        case .git(let url, let revision, let subdirectory):
            let scratch = NSTemporaryDirectory() + "rops-deps-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            progress("Installing \(url)\(revision.map { " @ \($0)" } ?? "")")
            try git(["clone", "--quiet", url, scratch], location: location)
            if let revision { try git(["-C", scratch, "checkout", "--quiet", revision], location: location) }
            let commit = try git(["-C", scratch, "rev-parse", "HEAD"], location: location).trimmingCharacters(in: .whitespacesAndNewlines)
            let source = subdirectory.map { scratch + "/" + $0 } ?? scratch
            let name = try packageName(at: source, location: location, what: "git: \(url)" + (subdirectory.map { " (subdirectory \($0))" } ?? ""))
            try replace(installRoot + "/" + name) { destination in
                try FileManager.default.copyItem(atPath: source, toPath: destination)
                try? FileManager.default.removeItem(atPath: destination + "/.git")
            }
            var lock = [("git", url), ("revision", commit)]
            if let subdirectory { lock.append(("subdirectory", subdirectory)) }
            lock.append(("name", name))
            return (name, "git \(url) @ \(revision ?? "default branch") (\(commit.prefix(10)))", lock)
        case .hub(let package, let versions):
            // Installed already (by `dbt deps`, or copied in): kept as it is.
            let folder = installRoot + "/" + (package.split(separator: "/").last.map(String.init) ?? package)
            if let name = try? packageName(at: folder, location: location, what: package) {
                progress("Keeping \(name): \(package) is already installed in \(URL(fileURLWithPath: folder).lastPathComponent)/")
                return (name, "hub \(package), already installed", [("package", package)] + versions.prefix(1).map { ("version", $0) })
            }
            throw ProjectError(file: requirement.file, line: requirement.line, message: """
                '\(package)'\(versions.isEmpty ? "" : " (version \(versions.joined(separator: ", ")))") is a dbt Hub package, and rops does not download from hub.getdbt.com. \
                Vendor the package and write `- local: <its folder>`, or name its repository: `- git: https://github.com/\(package.split(separator: "/").first ?? "")/<repository>.git` \
                with `revision: <a tag>`
                """)
        case .tarball(let url, _):
            throw ProjectError(file: requirement.file, line: requirement.line,
                               message: "'\(url)' is a tarball package, and rops does not download archives; unpack it and write `- local: <its folder>`, or use `git:`")
        }
    }

    private func packageName(at folder: String, location: String, what: String) throws -> String {
        guard let file = try ProjectFile.load(projectRoot: folder, environment: environment, asPackage: true) else {
            throw ProjectError(file: location, message: "\(what): no dbt_project.yml in \(folder)")
        }
        return file.name
    }

    /// Puts a fresh copy at `path`: whatever was there (an older install, a link) goes first.
    private func replace(_ path: String, with make: (String) throws -> Void) throws {
        let manager = FileManager.default
        if (try? manager.destinationOfSymbolicLink(atPath: path)) != nil || manager.fileExists(atPath: path) {
            try manager.removeItem(atPath: path)
        }
        try make(path)
    }

    @discardableResult
    private func git(_ arguments: [String], location: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        var environment = self.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw ProjectError(file: location, message: "cannot run git (\(error.localizedDescription)); install git to use `git:` packages")
        }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ProjectError(file: location, message: "git \(arguments.filter { !$0.hasPrefix("/") && $0 != "-C" }.joined(separator: " ")) failed: \(message)")
        }
        return String(decoding: outData, as: UTF8.self)
    }
}
