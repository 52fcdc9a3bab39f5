import Foundation
import PostgresClient

/// A project's own PostgreSQL cluster under `<project>/.rops/postgres/`.
///
/// The cluster listens on a unix socket in a short folder under /tmp (socket paths are limited to
/// 107 bytes) and on a free localhost port. The tool connects over the socket with the project role;
/// the TCP address with a password is there for other programs (the dashboard, psql, BI tools).
public final class LocalCluster {
    public let projectRoot: String
    public let stateDirectory: String
    let runner: ProcessRunner
    let log: (String) -> Void

    public init(projectRoot: String, log: @escaping (String) -> Void = { _ in }) throws {
        self.projectRoot = URL(fileURLWithPath: projectRoot).standardizedFileURL.path
        self.stateDirectory = self.projectRoot + "/.rops/postgres"
        self.runner = try ProcessRunner.forCurrentUser()
        self.log = log
    }

    var statePath: String { stateDirectory + "/cluster.json" }
    var logPath: String { (state?.dataDirectory ?? stateDirectory + "/data") + "/../server.log" }
    var state: ClusterState? { ClusterState.load(statePath) }

    public var isInitialised: Bool {
        guard let state else { return false }
        return FileManager.default.fileExists(atPath: state.dataDirectory + "/PG_VERSION")
    }

    // MARK: - Connection details

    /// What a client needs to reach the running cluster.
    public struct Endpoint: Sendable {
        public let socketDirectory: String
        public let port: Int
        public let role: String
        public let database: String
        let password: String

        /// The URL rops uses: unix socket, no password needed (the socket is private to its owner).
        public var socketURL: String {
            "postgresql://\(role)@localhost:\(port)/\(database)?host=\(socketDirectory)"
        }

        /// The same server and role, another database in the cluster (which this does not create).
        public func database(_ name: String) -> Endpoint {
            Endpoint(socketDirectory: socketDirectory, port: port, role: role, database: name, password: password)
        }

        /// A TCP URL for other programs; the password is masked unless asked for.
        public func tcpURL(revealPassword: Bool = false) -> String {
            "postgresql://\(role):\(revealPassword ? password : "****")@127.0.0.1:\(port)/\(database)"
        }
    }

    public var endpoint: Endpoint? {
        guard let state else { return nil }
        return Endpoint(socketDirectory: state.socketDirectory, port: state.port, role: state.role,
                        database: state.database, password: state.password)
    }

    // MARK: - Lifecycle

    /// Creates the cluster if needed, starts it if it is not running, and returns how to reach it.
    @discardableResult
    /// The database `start(databaseName:)` creates for a project name.
    public static func databaseName(for name: String) -> String { sanitisedDatabaseName(name) }

    public func start(databaseName: String = "rops") throws -> Endpoint {
        let binaries = try PostgresBinaries.locate()
        var state = try self.state ?? newState(databaseName: databaseName)
        if !FileManager.default.fileExists(atPath: state.dataDirectory + "/PG_VERSION") {
            try initialise(&state, binaries: binaries)
        }
        if try !isRunning(state, binaries: binaries) {
            try removeStalePidFile(state)
            try startServer(&state, binaries: binaries)
        }
        if !state.bootstrapped {
            try bootstrap(state)
            state.bootstrapped = true
            try state.save(statePath)
        }
        return endpoint!
    }

    /// Stops the server (fast shutdown: running queries are cancelled). Returns false if it was not running.
    /// `immediately`: no checkpoint, every process quits at once, as in a power cut; the next start
    /// recovers from the WAL.
    @discardableResult
    public func stop(immediately: Bool = false) throws -> Bool {
        guard let state, isInitialised else { return false }
        let binaries = try PostgresBinaries.locate()
        guard try isRunning(state, binaries: binaries) else { return false }
        let output = try runner.run(binaries.pgCtl, ["stop", "-D", state.dataDirectory, "-m", immediately ? "immediate" : "fast", "-w", "-t", "60"])
        guard output.succeeded else { throw LocalPostgresError.stopFailed(oneLine(output.combined)) }
        return true
    }

    /// Stops the server and deletes the cluster and everything in it.
    public func reset() throws {
        if isInitialised { try stop() }
        let manager = FileManager.default
        if let state {
            let dataParent = URL(fileURLWithPath: state.dataDirectory).deletingLastPathComponent().path
            if dataParent != stateDirectory { try? manager.removeItem(atPath: dataParent) }
            try? manager.removeItem(atPath: state.socketDirectory)
        }
        if manager.fileExists(atPath: stateDirectory) { try manager.removeItem(atPath: stateDirectory) }
    }

    /// The running server's version, its database's size and its uptime, as text.
    public func facts() throws -> (version: String, size: String, uptime: String) {
        guard let endpoint else { throw LocalPostgresError.notInitialised(stateDirectory) }
        let row = try PostgresConnection(endpoint.socketURL).query("""
            select current_setting('server_version') as version,
                   pg_size_pretty(pg_database_size(current_database())) as size,
                   date_trunc('second', now() - pg_postmaster_start_time())::text as uptime
            """)[0]
        return (row["version"].string ?? "?", row["size"].string ?? "?", row["uptime"].string ?? "?")
    }

    public func isRunning() throws -> Bool {
        guard let state, isInitialised else { return false }
        return try isRunning(state, binaries: try PostgresBinaries.locate())
    }

    // MARK: - Steps

    private func newState(databaseName: String) throws -> ClusterState {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let clusterHome = try chooseClusterHome()
        let state = ClusterState(
            dataDirectory: clusterHome + "/data",
            socketDirectory: "/tmp/rops-" + shortHash(clusterHome),
            port: 0,
            role: "rops",
            database: sanitisedDatabaseName(databaseName),
            password: randomPassword(),
            bootstrapped: false)
        try state.save(statePath)
        return state
    }

    /// `.rops/postgres` when the server's OS user can reach it. As root, a project in a private folder
    /// (a 0700 temp dir, a home directory) is out of the postgres user's reach: the cluster then lives
    /// under /var/tmp/rops-clusters/<hash>, and `.rops/postgres/cluster.json` still points at it.
    private func chooseClusterHome() throws -> String {
        if runner.runAsUser == nil { return stateDirectory }
        try runner.handOver(stateDirectory)
        if runner.canReach(stateDirectory) { return stateDirectory }
        let fallback = "/var/tmp/rops-clusters/" + shortHash(stateDirectory)
        try FileManager.default.createDirectory(atPath: fallback, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        chmod("/var/tmp/rops-clusters", 0o755)
        try runner.handOver(fallback)
        log("note: \(stateDirectory) is not reachable by the '\(runner.runAsUser!)' OS user; the cluster lives in \(fallback)")
        return fallback
    }

    private func initialise(_ state: inout ClusterState, binaries: PostgresBinaries) throws {
        let home = URL(fileURLWithPath: state.dataDirectory).deletingLastPathComponent().path
        try checkDiskSpace(home, neededMegabytes: 200)
        log("creating the embedded PostgreSQL cluster in \(state.dataDirectory)")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try runner.handOver(home)
        let output = try runner.run(binaries.initdb, [
            "-D", state.dataDirectory, "-U", "postgres", "-E", "UTF8", "--locale=C",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-instructions",
        ], workingDirectory: home)
        guard output.succeeded else {
            if output.combined.contains("No space left on device") {
                throw LocalPostgresError.diskFull(path: home, freeMegabytes: freeMegabytes(home))
            }
            throw LocalPostgresError.initdbFailed(output.combined)
        }
        let config = state.dataDirectory + "/postgresql.conf"
        let include = "\ninclude_if_exists = 'rops.conf'\n"
        guard let handle = FileHandle(forWritingAtPath: config) else {
            throw LocalPostgresError.filesystem("could not open \(config)")
        }
        handle.seekToEndOfFile()
        handle.write(Data(include.utf8))
        handle.closeFile()
    }

    private func startServer(_ state: inout ClusterState, binaries: PostgresBinaries) throws {
        var lastError: LocalPostgresError?
        for attempt in 0..<3 {
            if attempt > 0 || state.port == 0 || !PortProbe.isFree(state.port) {
                let previous = state.port
                state.port = try PortProbe.freePort()
                if previous != 0 { log("port \(previous) is in use; the embedded cluster moves to port \(state.port)") }
            }
            try prepareSocketDirectory(state.socketDirectory)
            try writeSettings(state)
            try state.save(statePath)
            let output = try runner.run(binaries.pgCtl, [
                "start", "-D", state.dataDirectory, "-l", logFile(state), "-w", "-t", "60",
            ], workingDirectory: URL(fileURLWithPath: state.dataDirectory).deletingLastPathComponent().path)
            if output.succeeded { return }
            let tail = logTail(state)
            let reason = diagnose(tail + output.combined)
            lastError = .startFailed(reason: reason, logTail: tail, logPath: logFile(state))
            // Only a lost race for the port is worth another try.
            guard tail.contains("could not bind") || tail.contains("Address already in use") else { break }
        }
        throw lastError!
    }

    private func bootstrap(_ state: ClusterState) throws {
        let superuserURL = "postgresql://postgres@localhost:\(state.port)/postgres?host=\(state.socketDirectory)"
        let connection = try PostgresConnection(superuserURL)
        let role = SQLText.identifier(state.role)
        let exists = try connection.query("select 1 from pg_roles where rolname = $1", [state.role])
        if exists.isEmpty {
            // CREATE ROLE cannot take a bound parameter; the password is our own random hex.
            try connection.execute("create role \(role) login createdb createrole password \(try SQLText.literal(state.password))")
        }
        let database = try connection.query("select 1 from pg_database where datname = $1", [state.database])
        if database.isEmpty {
            try connection.execute("create database \(SQLText.identifier(state.database)) owner \(role)")
        }
    }

    // MARK: - Helpers

    func logFile(_ state: ClusterState) -> String {
        URL(fileURLWithPath: state.dataDirectory).deletingLastPathComponent().path + "/server.log"
    }

    private func isRunning(_ state: ClusterState, binaries: PostgresBinaries) throws -> Bool {
        let output = try runner.run(binaries.pgCtl, ["status", "-D", state.dataDirectory])
        guard output.succeeded else { return false }
        // pg_ctl only checks that the pid in postmaster.pid is alive; after a reboot that pid may
        // belong to another program. Trust it only if the socket answers.
        let socket = "\(state.socketDirectory)/.s.PGSQL.\(state.port)"
        return FileManager.default.fileExists(atPath: socket)
    }

    private func removeStalePidFile(_ state: ClusterState) throws {
        let pidFile = state.dataDirectory + "/postmaster.pid"
        guard FileManager.default.fileExists(atPath: pidFile) else { return }
        let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? "?"
        if let number = Int32(pid), let comm = try? String(contentsOfFile: "/proc/\(number)/comm", encoding: .utf8),
           comm.hasPrefix("postgres") {
            throw LocalPostgresError.startFailed(
                reason: "a postgres process (pid \(pid)) holds \(pidFile) but does not answer on \(state.socketDirectory); stop it (kill \(pid)) and retry",
                logTail: "", logPath: logFile(state))
        }
        log("removing a stale postmaster.pid (pid \(pid) is not a running server)")
        try FileManager.default.removeItem(atPath: pidFile)
    }

    private func prepareSocketDirectory(_ path: String) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: false,
                                        attributes: [.posixPermissions: 0o700])
        }
        try runner.handOver(path)
    }

    private func writeSettings(_ state: ClusterState) throws {
        let text = ServerSettings.render(port: state.port, socketDirectory: state.socketDirectory,
                                         memoryBytes: ProcessInfo.processInfo.physicalMemory)
        let path = state.dataDirectory + "/rops.conf"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            if freeMegabytes(state.dataDirectory) < 1 {
                throw LocalPostgresError.diskFull(path: state.dataDirectory, freeMegabytes: 0)
            }
            throw LocalPostgresError.filesystem("could not write \(path)")
        }
        try runner.handOver(path)
    }

    func logTail(_ state: ClusterState, lines: Int = 12) -> String {
        guard let text = try? String(contentsOfFile: logFile(state), encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func diagnose(_ text: String) -> String {
        if text.contains("No space left on device") {
            return "the disk is full; free some space and run `rops db start` again"
        }
        if text.contains("could not bind") || text.contains("Address already in use") {
            return "the port is in use by another program; run `rops db start` again to pick another"
        }
        if text.contains("lock file") && text.contains("already exists") {
            return "another server holds the lock file; stop it or remove the stale postmaster.pid"
        }
        if text.contains("could not create shared memory") || text.contains("could not map anonymous shared memory") {
            return "not enough shared memory; lower shared_buffers or free memory"
        }
        return oneLine(text.split(separator: "\n").suffix(3).joined(separator: "\n"))
    }

    private func checkDiskSpace(_ path: String, neededMegabytes: Int) throws {
        let free = freeMegabytes(path)
        if free < neededMegabytes { throw LocalPostgresError.diskFull(path: path, freeMegabytes: free) }
    }
}

func freeMegabytes(_ path: String) -> Int {
    var probe = path
    while !FileManager.default.fileExists(atPath: probe) && probe != "/" {
        probe = URL(fileURLWithPath: probe).deletingLastPathComponent().path
    }
    var stats = statvfs()
    guard statvfs(probe, &stats) == 0 else { return Int.max }
    return Int(UInt64(stats.f_bavail) * UInt64(stats.f_frsize) / 1_048_576)
}

func shortHash(_ text: String) -> String {
    // FNV-1a, 64 bit: stable across runs (Swift's Hasher is seeded per process).
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}

func randomPassword() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<24).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16).leftPadded(to: 2) }.joined()
}

/// Database names from project names: lowercase letters, digits and underscores.
func sanitisedDatabaseName(_ name: String) -> String {
    let cleaned = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
    let text = String(cleaned).trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    return text.isEmpty ? "rops" : String(text.prefix(63))
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
