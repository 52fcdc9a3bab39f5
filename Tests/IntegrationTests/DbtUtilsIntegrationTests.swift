import Foundation
import PostgresClient
import TestSupport
import XCTest

/// dbt_utils 1.4.1's own integration_tests project (the vendored tarball, unpacked into a temporary
/// folder) runs unchanged with `rops deps` and `rops build`: every seed, model and test dbt-core
/// 1.10 built and passed there (DbtUtils/dbt_core_results.json, made by DbtUtils/generate.py), rops
/// builds and passes, and each model's compiled SQL is dbt-core's, byte for byte.
final class DbtUtilsIntegrationTests: XCTestCase {
    struct Expected: Decodable {
        let dbt_version: String
        let database: String
        let schema: String
        let seeds: [String]
        let models: [String: String]
        let tests: [String: String]
    }

    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static var tarball: String? {
        let vendor = ProcessInfo.processInfo.environment["ROPS_VENDOR_DIR"]
            ?? here.appendingPathComponent("../../../shared/vendor").standardizedFileURL.path
        let path = vendor + "/dbt-utils-1.4.1.tar.gz"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    func testDbtUtilsIntegrationProjectBuildsAsWithDbtCore() throws {
        guard let tarball = Self.tarball else {
            throw XCTSkip("dbt-utils-1.4.1.tar.gz not found in ../shared/vendor (set ROPS_VENDOR_DIR)")
        }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.here.appendingPathComponent("DbtUtils/dbt_core_results.json")))
        let work = try TemporaryFolder.make(prefix: "rops-dbt-utils")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["xzf", tarball, "-C", work]
        try tar.run()
        tar.waitUntilExit()
        XCTAssertEqual(tar.terminationStatus, 0, "tar xzf \(tarball)")
        let project = work + "/dbt-utils-1.4.1/integration_tests"

        // Same database name as dbt-core's run, so relations print identically.
        let admin = try TestDatabase.connect()
        try admin.execute("drop database if exists \(expected.database)")
        try admin.execute("create database \(expected.database)")
        var url = URLComponents(string: TestDatabase.url)!
        url.path = "/" + expected.database
        let environment = [
            "DB_CONNECTION_STRING": url.string!, "CI": "true", "POSTGRES_SCHEMA": expected.schema,
            // profiles.yml reads these; the connection itself comes from DB_CONNECTION_STRING.
            "POSTGRES_HOST": "unused", "POSTGRES_USER": "unused", "DBT_ENV_SECRET_POSTGRES_PASS": "", "POSTGRES_PORT": "5432",
            "POSTGRES_DATABASE": expected.database,
        ]
        let deps = try RopsProcess.run(["deps"], in: project, environment: environment)
        XCTAssertEqual(deps.status, 0, deps.stderr + deps.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project + "/dbt_packages/dbt_utils/dbt_project.yml"))
        let build = try RopsProcess.run(["build"], in: project, environment: environment)
        XCTAssertEqual(build.status, 0, String(build.stdout.suffix(4000)) + build.stderr)

        // Every model compiled as dbt-core compiled it.
        var identical = 0
        for (path, sql) in expected.models {
            let ours = try? String(contentsOfFile: project + "/target/compiled/dbt_utils_integration_tests/" + path, encoding: .utf8)
            XCTAssertEqual(ours, sql, path)
            if ours == sql { identical += 1 }
        }
        XCTAssertEqual(identical, expected.models.count)
        XCTAssertEqual(expected.models.count, 50)

        // Every seed loaded and every test dbt-core ran has the same name and status here.
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: project + "/target/run_results.json"))) as! [String: Any]
        var statuses: [String: String] = [:]
        for case let result as [String: Any] in results["results"] as! [Any] {
            statuses[result["unique_id"] as! String] = result["status"] as? String
        }
        for (name, status) in expected.tests {
            XCTAssertEqual(statuses["test." + name], status, "test \(name)")
        }
        XCTAssertEqual(statuses.keys.filter { $0.hasPrefix("test.") }.count, expected.tests.count)
        // Each seed was loaded (one of them drops itself in its post-hook, as it does under dbt).
        let seeded = Set(build.stdout.split(separator: "\n").filter { $0.hasPrefix("seed ") }.compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first?.split(separator: ".").last.map(String.init)
        })
        XCTAssertEqual(Set(expected.seeds).subtracting(seeded), [], "seeds dbt-core loaded that rops did not")
        XCTAssertEqual(expected.seeds.count, 75)
    }
}
