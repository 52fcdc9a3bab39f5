@testable import LocalPostgres
import PostgresClient
import TestSupport
import XCTest

/// Each test creates its own clusters in its own project folders (a few seconds each).
final class LocalClusterTests: XCTestCase {
    func makeProject() throws -> (LocalCluster, String) {
        let root = try TemporaryFolder.make(prefix: "rops-project")
        let cluster = try LocalCluster(projectRoot: root)
        ThrowawayClusters.register(cluster, root: root)
        return (cluster, root)
    }

    func testTwoProjectsGetSeparateClusters() throws {
        let (first, _) = try makeProject()
        let (second, _) = try makeProject()
        let a = try first.start(databaseName: "alpha")
        let b = try second.start(databaseName: "beta")
        XCTAssertNotEqual(a.port, b.port)
        XCTAssertNotEqual(a.socketDirectory, b.socketDirectory)
        XCTAssertLessThanOrEqual("\(a.socketDirectory)/.s.PGSQL.\(a.port)".utf8.count, 107)

        let connectionA = try PostgresConnection(a.socketURL)
        let connectionB = try PostgresConnection(b.socketURL)
        try connectionA.execute("create table only_in_a (x int)")
        XCTAssertEqual(try connectionA.query("select current_database() as d")[0]["d"].string, "alpha")
        XCTAssertEqual(try connectionB.query("select current_database() as d")[0]["d"].string, "beta")
        XCTAssertEqual(try connectionB.query("select to_regclass('only_in_a') is null as missing")[0]["missing"], .bool(true))

        // The project role owns its database and can create schemas, but is not a superuser.
        let role = try connectionA.query("select rolsuper, rolcreaterole from pg_roles where rolname = current_user")[0]
        XCTAssertEqual(role["rolsuper"], .bool(false))
        XCTAssertEqual(role["rolcreaterole"], .bool(true))
        try connectionA.execute("create schema staging")

        // The TCP address needs the password.
        let tcp = try PostgresConnection(a.tcpURL(revealPassword: true))
        XCTAssertEqual(try tcp.query("select 1 as one")[0]["one"].int, 1)
        XCTAssertTrue(a.tcpURL().contains("rops:****@127.0.0.1"), a.tcpURL())
    }

    func testStopLeavesNoServerAndStartComesBackWithData() throws {
        let (cluster, _) = try makeProject()
        let endpoint = try cluster.start()
        try PostgresConnection(endpoint.socketURL).execute("create table kept as select 42 as answer")
        let pid = try serverPid(cluster)
        XCTAssertTrue(try cluster.stop())
        XCTAssertFalse(try cluster.isRunning())
        XCTAssertFalse(isAlive(pid), "postmaster \(pid) still alive")
        XCTAssertFalse(try cluster.stop(), "a second stop reports not running")
        let again = try cluster.start()
        XCTAssertEqual(try PostgresConnection(again.socketURL).query("select answer from kept")[0]["answer"].int, 42)
    }

    func testStalePidFileIsRemovedOnStart() throws {
        let (cluster, _) = try makeProject()
        try cluster.start()
        try cluster.stop()
        let state = cluster.state!
        // A pid that is certainly not a postgres server: our own test process.
        try "\(getpid())\n\(state.dataDirectory)\n".write(toFile: state.dataDirectory + "/postmaster.pid", atomically: true, encoding: .utf8)
        let endpoint = try cluster.start()
        XCTAssertEqual(try PostgresConnection(endpoint.socketURL).query("select 1 as one")[0]["one"].int, 1)
    }

    func testPortInUseMovesTheClusterToAFreePort() throws {
        let (cluster, _) = try makeProject()
        let first = try cluster.start()
        try cluster.stop()
        let blocker = try PortBlocker(port: first.port)
        defer { blocker.close() }
        let second = try cluster.start()
        XCTAssertNotEqual(second.port, first.port)
        XCTAssertEqual(try PostgresConnection(second.socketURL).query("select 1 as one")[0]["one"].int, 1)
    }

    func testResetDeletesEverything() throws {
        let (cluster, root) = try makeProject()
        let endpoint = try cluster.start()
        let state = cluster.state!
        try cluster.reset()
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/.rops/postgres"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: state.dataDirectory))
        XCTAssertFalse(FileManager.default.fileExists(atPath: endpoint.socketDirectory))
    }

    func testMissingBinariesSayWhatToInstall() {
        XCTAssertThrowsError(try PostgresBinaries.locate(environment: ["PATH": "/nonexistent"], debianRoot: "/nonexistent")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("apt-get install postgresql"), text)
            XCTAssertTrue(text.contains("DB_CONNECTION_STRING"), text)
        }
    }

    func testBinariesAreFoundNewestFirst() throws {
        let root = try TemporaryFolder.make(prefix: "pgroot")
        for version in ["9.6", "15", "13"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(version)/bin", withIntermediateDirectories: true)
        }
        XCTAssertEqual(PostgresBinaries.debianInstallations(root: root), ["\(root)/15/bin", "\(root)/13/bin", "\(root)/9.6/bin"])
    }

    func testSettingsAreTunedForBulkLoads() {
        let text = ServerSettings.render(port: 5555, socketDirectory: "/tmp/x", memoryBytes: 24 << 30)
        XCTAssertTrue(text.contains("port = 5555"))
        XCTAssertTrue(text.contains("synchronous_commit = off"))
        XCTAssertTrue(text.contains("shared_buffers = 4096MB"))
        XCTAssertTrue(text.contains("maintenance_work_mem = 128MB"), "cache-sized sort runs for index builds")
        XCTAssertTrue(text.contains("max_wal_size = 8GB"))
        XCTAssertTrue(text.contains("autovacuum_vacuum_insert_threshold = -1"), "no vacuum of freshly built tables mid-build")
        XCTAssertTrue(text.contains("backend_flush_after = 2MB"), "big tables written back while built, not at commit")
        XCTAssertTrue(text.contains("parallel_leader_participation = off"), "the leader drains the workers and writes")
        XCTAssertFalse(text.contains("fsync"), "fsync stays on")
        let small = ServerSettings.render(port: 1, socketDirectory: "/s", memoryBytes: 1 << 30)
        XCTAssertTrue(small.contains("shared_buffers = 256MB"))
    }

    func testDatabaseNamesAreSanitised() {
        XCTAssertEqual(sanitisedDatabaseName("RevOps Fraud-Platform"), "revops_fraud_platform")
        XCTAssertEqual(sanitisedDatabaseName("--"), "rops")
    }

    /// A stopped postmaster may linger as a zombie when PID 1 does not reap orphans (as in some
    /// containers); that is a dead process.
    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }

    private func serverPid(_ cluster: LocalCluster) throws -> Int32 {
        let text = try String(contentsOfFile: cluster.state!.dataDirectory + "/postmaster.pid", encoding: .utf8)
        return Int32(text.split(separator: "\n")[0])!
    }
}

/// Listens on a port so that nothing else can.
final class PortBlocker {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    func close() { Glibc.close(fd) }
}
