import Foundation
import LocalPostgres
import PostgresClient

/// The PostgreSQL the integration tests use: `ROPS_TEST_DATABASE_URL` when set, else one throwaway
/// embedded cluster per test run, created through the same LocalPostgres code users run and
/// deleted when the test process exits.
public enum TestDatabase {
    public static let url: String = {
        if let url = ProcessInfo.processInfo.environment["ROPS_TEST_DATABASE_URL"], !url.isEmpty { return url }
        do {
            let root = try TemporaryFolder.make(prefix: "rops-test-cluster")
            let cluster = try LocalCluster(projectRoot: root)
            let endpoint = try cluster.start(databaseName: "rops_test")
            ThrowawayClusters.register(cluster, root: root)
            return endpoint.socketURL
        } catch {
            fatalError("could not start a throwaway PostgreSQL for the tests: \(error)")
        }
    }()

    public static func connect() throws -> PostgresConnection {
        try PostgresConnection(url)
    }

    /// A fresh schema for one test, dropped when the test process ends with its cluster (or by the
    /// caller); keeps tests independent when they share `ROPS_TEST_DATABASE_URL`.
    public static func freshSchema(_ connection: PostgresConnection, prefix: String = "t") throws -> String {
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("create schema \(SQLText.identifier(name))")
        return name
    }
}

/// Clusters to stop and delete when the test process exits.
public enum ThrowawayClusters {
    nonisolated(unsafe) private static var clusters: [(LocalCluster, String)] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var hooked = false

    nonisolated(unsafe) private static var folders: [String] = []

    public static func register(_ cluster: LocalCluster, root: String) {
        lock.lock(); defer { lock.unlock() }
        clusters.append((cluster, root))
        hookExit()
    }

    /// Deletes `folder` when the test process exits.
    public static func removeAtExit(_ folder: String) {
        lock.lock(); defer { lock.unlock() }
        folders.append(folder)
        hookExit()
    }

    private static func hookExit() {
        if !hooked {
            hooked = true
            atexit { ThrowawayClusters.removeAll() }
        }
    }

    public static func removeAll() {
        lock.lock()
        let all = clusters, allFolders = folders
        clusters = []; folders = []
        lock.unlock()
        for (cluster, root) in all {
            try? cluster.reset()
            try? FileManager.default.removeItem(atPath: root)
        }
        for folder in allFolders { try? FileManager.default.removeItem(atPath: folder) }
    }
}

public enum TemporaryFolder {
    /// A new folder under the system temp dir, readable by other users (so an unprivileged server
    /// user can reach a cluster in it when the tests run as root).
    public static func make(prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        ThrowawayClusters.removeAtExit(path)
        return path
    }
}
