import Foundation

/// The PostgreSQL server programs rops needs, all from one installation.
public struct PostgresBinaries: Sendable, Equatable {
    public let directory: String
    public var initdb: String { directory + "/initdb" }
    public var pgCtl: String { directory + "/pg_ctl" }
    public var postgres: String { directory + "/postgres" }

    /// Finds a directory holding initdb, pg_ctl and postgres. Order: `ROPS_PG_BINDIR`,
    /// `pg_config --bindir`, `PATH`, then `/usr/lib/postgresql/*/bin` newest version first.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              debianRoot: String = "/usr/lib/postgresql") throws -> PostgresBinaries {
        var candidates: [String] = []
        if let explicit = environment["ROPS_PG_BINDIR"], !explicit.isEmpty { candidates.append(explicit) }
        if let fromPgConfig = pgConfigBindir(path: environment["PATH"]) { candidates.append(fromPgConfig) }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let initdb = String(folder) + "/initdb"
            if FileManager.default.isExecutableFile(atPath: initdb) {
                // /usr/local/bin/initdb may be a link into the real installation; follow it.
                let resolved = URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
                candidates.append(resolved)
            }
        }
        candidates.append(contentsOf: debianInstallations(root: debianRoot))
        for directory in candidates where isComplete(directory) {
            return PostgresBinaries(directory: directory)
        }
        throw LocalPostgresError.binariesNotFound(searched: candidates.isEmpty
            ? ["ROPS_PG_BINDIR", "pg_config --bindir", "PATH", "/usr/lib/postgresql/*/bin"]
            : candidates)
    }

    static func isComplete(_ directory: String) -> Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: directory + "/" + $0)
        }
    }

    private static func pgConfigBindir(path: String?) -> String? {
        for folder in (path ?? "/usr/bin").split(separator: ":") {
            let pgConfig = String(folder) + "/pg_config"
            guard FileManager.default.isExecutableFile(atPath: pgConfig) else { continue }
            let output = try? ProcessRunner(runAsUser: nil).run(pgConfig, ["--bindir"])
            if let output, output.succeeded {
                return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return nil
    }

    /// `/usr/lib/postgresql/<version>/bin`, highest version first.
    static func debianInstallations(root: String = "/usr/lib/postgresql") -> [String] {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions
            .sorted { (Double($0) ?? 0) > (Double($1) ?? 0) }
            .map { "\(root)/\($0)/bin" }
    }
}
