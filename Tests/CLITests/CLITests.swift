import Foundation
import LocalPostgres
import TestSupport
import XCTest

/// Runs the built `rops` binary the way a user does.
final class CLITests: XCTestCase {
    func rops(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> RopsProcess.Outcome {
        try RopsProcess.run(arguments, in: directory, environment: environment)
    }

    func testDebugFailuresAreOneLineWithoutThePassword() throws {
        let port = try TestDatabase.connect().query("select current_setting('port') as p")[0]["p"].string!
        let secret = "Sup3rSecret"
        let cases = [
            "postgresql://rops:\(secret)@127.0.0.1:\(port)/rops_test",  // wrong password
            "postgresql://rops:\(secret)@127.0.0.1:1/rops_test",          // nothing listens
            "postgresql://rops:\(secret)@[::1/rops_test",                 // malformed URL
            "host=127.0.0.1 port=notaport password=\(secret)",            // malformed keywords
        ]
        let folder = try TemporaryFolder.make(prefix: "rops-cli")
        for url in cases {
            let outcome = try rops(["debug", "--database-url", url], in: folder)
            XCTAssertEqual(outcome.status, 1, url)
            let errorLines = outcome.stderr.split(separator: "\n")
            XCTAssertEqual(errorLines.count, 1, outcome.stderr)
            XCTAssertTrue(errorLines.first?.hasPrefix("error: ") == true, outcome.stderr)
            XCTAssertFalse(outcome.stderr.contains(secret), outcome.stderr)
            XCTAssertFalse(outcome.stdout.contains(secret), outcome.stdout)
        }
    }

    func testDebugReportsTheOriginFromEnvironment() throws {
        let outcome = try rops(["debug"], in: try TemporaryFolder.make(prefix: "rops-cli"),
                               environment: ["DB_CONNECTION_STRING": TestDatabase.url])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("DB_CONNECTION_STRING in the environment"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("role can create schemas"), outcome.stdout)
    }

    func testEmbeddedLifecycleThroughTheCLI() throws {
        let project = try TemporaryFolder.make(prefix: "rops-cli-project")
        try "name: cli_demo\n".write(toFile: project + "/project.yml", atomically: true, encoding: .utf8)
        ThrowawayClusters.register(try LocalCluster(projectRoot: project), root: project)

        XCTAssertEqual(try rops(["db", "status"], in: project).status, 3)
        let debug = try rops(["debug"], in: project)
        XCTAssertEqual(debug.status, 0, debug.stderr)
        XCTAssertTrue(debug.stdout.contains("embedded default"), debug.stdout)
        XCTAssertTrue(debug.stdout.contains("database:   cli_demo as rops"), debug.stdout)

        let status = try rops(["db", "status"], in: project)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("running"), status.stdout)
        XCTAssertTrue(status.stdout.contains(":****@127.0.0.1"), status.stdout)
        XCTAssertTrue(status.stdout.contains("uptime"), status.stdout)

        let other = try rops(["db", "url", "--database", "scratch"], in: project)
        XCTAssertTrue(other.stdout.hasPrefix("postgresql://rops@localhost:") && other.stdout.contains("/scratch?host="), other.stdout)
        let masked = try rops(["db", "url", "--tcp"], in: project)
        XCTAssertTrue(masked.stdout.contains("****"))
        let revealed = try rops(["db", "url", "--tcp", "--show-password"], in: project)
        XCTAssertFalse(revealed.stdout.contains("****"))
        let viaTCP = try rops(["debug", "--database-url", revealed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)], in: project)
        XCTAssertEqual(viaTCP.status, 0, viaTCP.stderr)

        XCTAssertEqual(try rops(["db", "stop"], in: project).stdout, "stopped\n")
        XCTAssertEqual(try rops(["db", "status"], in: project).status, 3)
        let reset = try rops(["db", "reset"], in: project)
        XCTAssertNotEqual(reset.status, 0, "reset without --yes and without a terminal must refuse")
        XCTAssertEqual(try rops(["db", "reset", "--yes"], in: project).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project + "/.rops/postgres"))
    }

    /// `rops menu` reads choices from stdin: a bad choice is explained, a failing step returns to the
    /// menu (no project here, so `rops test` fails) and `q` quits with status 0.
    func testMenuRunsStepsAndSurvivesFailures() throws {
        let folder = try TemporaryFolder.make(prefix: "rops-menu")
        let outcome = try RopsProcess.run(["menu", "--database-url", TestDatabase.url], in: folder, input: "9\n4\nq\n")
        XCTAssertEqual(outcome.status, 0, outcome.all)
        XCTAssertTrue(outcome.stdout.contains("1  Run everything"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("'9' is not on the menu"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("$ rops test"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("✗ Run the data tests"), outcome.stdout)
        XCTAssertFalse(outcome.all.contains("password"), outcome.all)
    }

    func testHelpExplainsTheCommands() throws {
        let help = try rops(["--help"])
        XCTAssertEqual(help.status, 0)
        for word in ["db", "debug", "DB_CONNECTION_STRING"] {
            XCTAssertTrue(help.stdout.contains(word), help.stdout)
        }
    }
}
