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
