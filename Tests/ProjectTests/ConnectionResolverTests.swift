import Foundation
import Project
import XCTest

final class ConnectionResolverTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "rops-resolver-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8)
    }

    func resolve(flag: String? = nil, env: [String: String] = [:]) throws -> ResolvedConnection {
        try ConnectionResolver.resolve(flag: flag, environment: env, projectRoot: root,
                                       projectFile: try ProjectFile.load(projectRoot: root))
    }

    func testPrecedenceFlagEnvironmentDotEnvProjectEmbedded() throws {
        XCTAssertEqual(try resolve(), ResolvedConnection(origin: .embedded, dsn: nil))

        try write("project.yml", "name: demo\nconnection:\n  host: db.internal\n  port: 5433\n  dbname: warehouse\n  password: \"it's\"\n")
        XCTAssertEqual(try resolve(), ResolvedConnection(
            origin: .projectFile(path: root + "/project.yml"),
            dsn: "host='db.internal' port='5433' dbname='warehouse' password='it\\'s'"))

        try write(".env", "# local\nexport DB_CONNECTION_STRING='postgresql://a@dotenv/db'\n")
        XCTAssertEqual(try resolve().dsn, "postgresql://a@dotenv/db")
        XCTAssertEqual(try resolve().origin, .dotEnv(path: root + "/.env"))

        let env = ["DB_CONNECTION_STRING": "postgresql://a@environment/db"]
        XCTAssertEqual(try resolve(env: env), ResolvedConnection(origin: .environment, dsn: "postgresql://a@environment/db"))
        XCTAssertEqual(try resolve(flag: "postgresql://a@flag/db", env: env),
                       ResolvedConnection(origin: .flag, dsn: "postgresql://a@flag/db"))
    }

    func testNamedTargetOutranksTheEnvironmentAndNamesTargetName() throws {
        try write("project.yml", """
            name: demo
            connection: postgresql://u@default/d
            targets:
              citus: {url: postgresql://u@coordinator:9700/d}
              other: {host: elsewhere, dbname: x}
            """)
        let env = ["DB_CONNECTION_STRING": "postgresql://a@environment/db", "ROPS_TARGET": "citus"]
        let file = try XCTUnwrap(try ProjectFile.load(projectRoot: root, environment: env))
        XCTAssertTrue(file.targetChosen)
        XCTAssertEqual(file.profileTarget, "citus")
        XCTAssertEqual(file.targetNames, ["citus", "other"])
        let chosen = try ConnectionResolver.resolve(flag: nil, environment: env, projectRoot: root, projectFile: file)
        XCTAssertEqual(chosen.dsn, "postgresql://u@coordinator:9700/d")
        // --database-url still wins.
        XCTAssertEqual(try ConnectionResolver.resolve(flag: "postgresql://f/x", environment: env, projectRoot: root, projectFile: file).dsn,
                       "postgresql://f/x")
        // Without a target: the environment, then `connection:`.
        let plain = try XCTUnwrap(try ProjectFile.load(projectRoot: root, environment: [:]))
        XCTAssertFalse(plain.targetChosen)
        XCTAssertEqual(try ConnectionResolver.resolve(flag: nil, environment: ["DB_CONNECTION_STRING": "postgresql://e/e"],
                                                      projectRoot: root, projectFile: plain).dsn, "postgresql://e/e")
        XCTAssertEqual(try ConnectionResolver.resolve(flag: nil, environment: [:], projectRoot: root, projectFile: plain).dsn,
                       "postgresql://u@default/d")
    }

    func testUnknownTargetNamesTheFileAndTheTargetsItHas() throws {
        try write("project.yml", "name: demo\ntargets:\n  citus: {url: postgresql://c/d}\n")
        XCTAssertThrowsError(try ProjectFile.load(projectRoot: root, environment: ["ROPS_TARGET": "prod"])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("project.yml") && text.contains("no target 'prod'") && text.contains("citus"), text)
        }
    }

    func testEmptyValuesDoNotCount() throws {
        try write(".env", "DB_CONNECTION_STRING=\n")
        XCTAssertEqual(try resolve(flag: "  ", env: ["DB_CONNECTION_STRING": ""]).origin, .embedded)
    }

    func testProjectURLConnection() throws {
        try write("project.yml", "name: demo\nconnection: postgresql://u@h/d\n")
        XCTAssertEqual(try resolve().dsn, "postgresql://u@h/d")
    }

    func testUnknownConnectionKeyNamesFileAndLine() throws {
        try write("project.yml", "name: demo\nconnection:\n  host: h\n  pasword: typo\n")
        XCTAssertThrowsError(try resolve()) { error in
            let error = error as! ProjectError
            XCTAssertEqual(error.line, 4)
            XCTAssertTrue(error.description.contains("project.yml:4"), error.description)
            XCTAssertTrue(error.message.contains("pasword"), error.message)
        }
    }

    func testBrokenYAMLNamesFileAndLine() throws {
        try write("project.yml", "name: demo\nconnection: [unclosed\n")
        XCTAssertThrowsError(try resolve()) { error in
            let error = error as! ProjectError
            XCTAssertNotNil(error.line)
            XCTAssertTrue(error.file.hasSuffix("project.yml"))
        }
    }

    func testMissingNameIsAnError() throws {
        try write("project.yml", "connection: postgresql://u@h/d\n")
        XCTAssertThrowsError(try resolve())
    }
}
