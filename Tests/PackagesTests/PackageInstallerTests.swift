import Foundation
@testable import Packages
import Project
import XCTest

/// `rops deps` against real folders and a real git repository (created here with the git CLI).
final class PackageInstallerTests: XCTestCase {
    func folder() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rops-deps-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        return root
    }

    func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @discardableResult
    func git(_ arguments: [String], in folder: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder, "-c", "user.email=t@t", "-c", "user.name=t"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The lock file's hash is dbt-core's: dbt_utils' own integration_tests (`local: ../`) lock says
    /// de2deba3d66ce03d8c02949013650cc9b94f6030.
    func testLocalPackageIsLinkedAndLockedAsDbtLocksIt() throws {
        let work = try folder()
        try write(work + "/lib/dbt_project.yml", "name: my_lib\n")
        try write(work + "/lib/macros/m.sql", "{% macro hello() %}hi{% endmacro %}\n")
        try write(work + "/lib/app/dbt_project.yml", "name: app\n")
        try write(work + "/lib/app/packages.yml", "packages:\n  - local: ../\n")
        let installed = try PackageInstaller(projectRoot: work + "/lib/app").install()
        XCTAssertEqual(installed.map(\.name), ["my_lib"])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: work + "/lib/app/dbt_packages/my_lib"), work + "/lib")
        XCTAssertEqual(try String(contentsOfFile: work + "/lib/app/package-lock.yml", encoding: .utf8),
                       "packages:\n- local: ../\nsha1_hash: de2deba3d66ce03d8c02949013650cc9b94f6030\n")
        let project = try ProjectLoader.load(root: work + "/lib/app", environment: [:])
        XCTAssertEqual(project.macroFiles.map(\.package), ["my_lib"])
        XCTAssertEqual(try PackageInstaller(projectRoot: work + "/lib/app").install().count, 1, "a second install replaces the first")
    }

    /// A git package at a tag, from a subdirectory, with a package of its own that comes along.
    func testGitPackageAtARevisionWithItsOwnDependencies() throws {
        let work = try folder()
        let repository = work + "/repo"
        try write(repository + "/pkg/dbt_project.yml", "name: from_git\n")
        try write(repository + "/pkg/macros/m.sql", "{% macro v() %}one{% endmacro %}\n")
        let helper = work + "/helper"
        try write(helper + "/dbt_project.yml", "name: helper\n")
        XCTAssertEqual(try git(["init", "-q"], in: helper), 0)
        try git(["add", "."], in: helper)
        try git(["commit", "-qm", "helper"], in: helper)
        try write(repository + "/pkg/packages.yml", "packages:\n  - git: \"\(helper)\"\n")
        XCTAssertEqual(try git(["init", "-q"], in: repository), 0)
        try git(["add", "."], in: repository)
        try git(["commit", "-qm", "one"], in: repository)
        try git(["tag", "v1"], in: repository)
        try write(repository + "/pkg/macros/m.sql", "{% macro v() %}two{% endmacro %}\n")
        try git(["commit", "-qam", "two"], in: repository)
        try write(work + "/app/dbt_project.yml", "name: app\n")
        try write(work + "/app/packages.yml", "packages:\n  - git: \"\(repository)\"\n    revision: v1\n    subdirectory: pkg\n")
        let installed = try PackageInstaller(projectRoot: work + "/app").install()
        XCTAssertEqual(installed.map(\.name), ["from_git", "helper"], "the package's own packages come along")
        XCTAssertEqual(try String(contentsOfFile: work + "/app/dbt_packages/from_git/macros/m.sql", encoding: .utf8),
                       "{% macro v() %}one{% endmacro %}\n", "the tagged revision, not the branch head")
        let lock = try String(contentsOfFile: work + "/app/package-lock.yml", encoding: .utf8)
        XCTAssertTrue(lock.contains("  revision: "), lock)
        XCTAssertTrue(lock.contains("  subdirectory: pkg\n  name: from_git\n"), lock)
        XCTAssertFalse(lock.contains("helper"), "the lock pins what packages.yml asks for")
        XCTAssertEqual(try ProjectLoader.load(root: work + "/app", environment: [:]).packages.map(\.name), ["from_git", "helper"])
    }

    func testHubAndBadGitEntriesFailWithWhatToDo() throws {
        let work = try folder()
        try write(work + "/dbt_project.yml", "name: app\n")
        try write(work + "/packages.yml", "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n")
        XCTAssertThrowsError(try PackageInstaller(projectRoot: work).install()) { error in
            XCTAssertTrue("\(error)".contains("packages.yml:2"), "\(error)")
            XCTAssertTrue("\(error)".contains("`- local: <its folder>`"), "\(error)")
        }
        // Installed already (by dbt deps): kept, so a project dbt-core set up works with rops as it is.
        try write(work + "/dbt_packages/dbt_utils/dbt_project.yml", "name: dbt_utils\n")
        XCTAssertEqual(try PackageInstaller(projectRoot: work).install().map(\.origin), ["hub dbt-labs/dbt_utils, already installed"])
        try FileManager.default.removeItem(atPath: work + "/dbt_packages")
        try write(work + "/packages.yml", "packages:\n  - git: \(work)/nowhere\n")
        XCTAssertThrowsError(try PackageInstaller(projectRoot: work).install()) { error in
            XCTAssertTrue("\(error)".contains("git clone --quiet"), "\(error)")
        }
        try write(work + "/packages.yml", "packages:\n  - name: x\n")
        XCTAssertThrowsError(try PackageInstaller(projectRoot: work).install()) { error in
            XCTAssertTrue("\(error)".contains("needs one of `local:`, `git:`"), "\(error)")
        }
    }
}
