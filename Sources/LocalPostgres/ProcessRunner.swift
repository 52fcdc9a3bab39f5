import Foundation

/// What a finished child process printed and how it ended.
struct ProcessOutput {
    let status: Int32
    let stdout: String
    let stderr: String
    var succeeded: Bool { status == 0 }
    var combined: String { [stdout, stderr].filter { !$0.isEmpty }.joined(separator: "\n") }
}

/// Runs the PostgreSQL binaries. When rops runs as root, they run as an unprivileged OS user
/// (PostgreSQL refuses to run as root), through `runuser`.
struct ProcessRunner: Sendable {
    /// The OS user to run as, or nil to run as ourselves.
    let runAsUser: String?

    static func forCurrentUser() throws -> ProcessRunner {
        guard geteuid() == 0 else { return ProcessRunner(runAsUser: nil) }
        let candidate = ProcessInfo.processInfo.environment["ROPS_PG_OS_USER"] ?? "postgres"
        guard getpwnam(candidate) != nil else {
            throw LocalPostgresError.noUnprivilegedUser(candidate)
        }
        return ProcessRunner(runAsUser: candidate)
    }

    func run(_ executable: String, _ arguments: [String], workingDirectory: String = "/",
             environment: [String: String] = [:]) throws -> ProcessOutput {
        var env = ProcessInfo.processInfo.environment
        for key in ["PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE", "PGPASSWORD"] { env[key] = nil }
        env["LC_ALL"] = "C.UTF-8"
        env.merge(environment) { $1 }
        let argv = runAsUser.map { ["/usr/sbin/runuser", "-u", $0, "--", executable] } ?? [executable]
        return try Subprocess.run(argv + arguments, environment: env, workingDirectory: workingDirectory)
    }

    /// Gives `path` (recursively) to the server's OS user, when we run as root.
    func handOver(_ path: String) throws {
        guard let user = runAsUser, let entry = getpwnam(user) else { return }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        let manager = FileManager.default
        try chownOne(path, uid, gid)
        guard let enumerator = manager.enumerator(atPath: path) else { return }
        for case let relative as String in enumerator {
            try chownOne(path + "/" + relative, uid, gid)
        }
    }

    private func chownOne(_ path: String, _ uid: uid_t, _ gid: gid_t) throws {
        if lchown(path, uid, gid) != 0 {
            throw LocalPostgresError.filesystem("could not give \(path) to the server's OS user: \(String(cString: strerror(errno)))")
        }
    }

    /// True when the server's OS user can reach `path` (every parent folder searchable).
    func canReach(_ path: String) -> Bool {
        guard runAsUser != nil else { return true }
        let result = try? run("/usr/bin/test", ["-x", path])
        return result?.succeeded ?? false
    }
}
