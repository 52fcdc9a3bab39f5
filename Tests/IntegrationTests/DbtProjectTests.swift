import Foundation
import TestSupport
import XCTest

/// A dbt-core project (dbt_project.yml + profiles.yml) compiles with rops to the SQL dbt-core wrote
/// for it (Tests/TemplateTests/Conformance/dbt_cases.json), byte for byte, relations named
/// `"database"."schema"."table"` as dbt-postgres names them: its macros and models, and in models/cross_db `adapter.dispatch` and dbt's global cross-database
/// macros (`dbt.dateadd`, `dbt.datediff`, `dbt.listagg`, …).
final class DbtProjectTests: XCTestCase {
    func testDbtProjectCompilesLikeDbtCore() throws {
        let conformance = ProjectFixture.fixtures + "/../TemplateTests/Conformance"
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: conformance + "/dbt_cases.json"))) as! [String: Any]
        let root = try TemporaryFolder.make(prefix: "rops-dbt-project")
        let manager = FileManager.default
        try manager.copyItem(atPath: conformance + "/dbt/models", toPath: root + "/models")
        try manager.copyItem(atPath: conformance + "/dbt/macros", toPath: root + "/macros")
        try manager.copyItem(atPath: conformance + "/dbt/sources.yml", toPath: root + "/models/sources.yml")
        try """
            name: conformance
            version: '1.0.0'
            config-version: 2
            profile: conformance
            vars:
              start_date: '2010-01-01'
              min_volume: 50
            """.write(toFile: root + "/dbt_project.yml", atomically: true, encoding: .utf8)
        try """
            conformance:
              target: dev
              outputs:
                dev:
                  type: postgres
                  host: localhost
                  user: "{{ env_var('ROPS_TEST_DBT_USER', 'rops') }}"
                  password: "{{ env_var('ROPS_TEST_DBT_PASSWORD', '') }}"
                  port: 5432
                  dbname: rops
                  schema: analytics
                  threads: 2
            """.write(toFile: root + "/profiles.yml", atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = ProjectFixture.binary
        process.arguments = ["compile", "--project-dir", root]
        // The database named in relations comes from the profile (dbname: rops), not from a URL.
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "DB_CONNECTION_STRING" }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)

        let database = cases["database"] as! String
        let models = cases["models"] as! [[String: String]]
        XCTAssertGreaterThanOrEqual(models.filter { $0["path"]!.hasPrefix("cross_db/") }.count, 5, "adapter.dispatch and dbt's global macros")
        for model in models {
            let name = model["path"]!
            let ours = try String(contentsOfFile: root + "/target/compiled/conformance/models/\(name)", encoding: .utf8)
            let theirs = model["compiled"]!.replacingOccurrences(of: "\"\(database)\".", with: "\"rops\".")
            XCTAssertEqual(ours, theirs, name)
        }
    }
}
