import Foundation

/// Where the database connection came from, for `rops debug` and for error messages.
public enum ConnectionOrigin: Equatable, Sendable, CustomStringConvertible {
    case flag
    case environment
    case dotEnv(path: String)
    case projectFile(path: String)
    case embedded

    public var description: String {
        switch self {
        case .flag: return "the --database-url flag"
        case .environment: return "DB_CONNECTION_STRING in the environment"
        case .dotEnv(let path): return "DB_CONNECTION_STRING in \(path)"
        case .projectFile(let path): return "the connection profile in \(path)"
        case .embedded: return "the embedded default (project-local cluster in .rops/postgres)"
        }
    }
}

/// The connection to use: a DSN, or the embedded cluster (which the CLI starts on demand).
public struct ResolvedConnection: Equatable, Sendable {
    public let origin: ConnectionOrigin
    /// The DSN; nil for the embedded default.
    public let dsn: String?

    public init(origin: ConnectionOrigin, dsn: String?) {
        self.origin = origin
        self.dsn = dsn
    }
}

/// Decides which database to use, first match wins: `--database-url`, a target chosen by name
/// (`--target`), `DB_CONNECTION_STRING` in the environment, the same key in `<project>/.env`, the
/// profile in the project file, the embedded cluster.
public enum ConnectionResolver {
    public static let environmentKey = "DB_CONNECTION_STRING"

    public static func resolve(flag: String?, environment: [String: String], projectRoot: String,
                               projectFile: ProjectFile?) throws -> ResolvedConnection {
        if let flag = nonEmpty(flag) { return ResolvedConnection(origin: .flag, dsn: flag) }
        if let projectFile, projectFile.targetChosen, let profile = projectFile.connection {
            return ResolvedConnection(origin: .projectFile(path: projectFile.path), dsn: profile.dsn)
        }
        if let fromEnvironment = nonEmpty(environment[environmentKey]) {
            return ResolvedConnection(origin: .environment, dsn: fromEnvironment)
        }
        let dotEnvPath = projectRoot + "/.env"
        // Only a regular file: some projects ship a `.env/` folder (a Python virtualenv), which is
        // not a dotenv file and says nothing about the connection.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dotEnvPath, isDirectory: &isDirectory), !isDirectory.boolValue {
            let dotEnv = try DotEnv(contentsOf: dotEnvPath, environment: environment)
            if let fromFile = nonEmpty(dotEnv[environmentKey]) {
                return ResolvedConnection(origin: .dotEnv(path: dotEnvPath), dsn: fromFile)
            }
        }
        if let projectFile, let profile = projectFile.connection {
            return ResolvedConnection(origin: .projectFile(path: projectFile.path), dsn: profile.dsn)
        }
        return ResolvedConnection(origin: .embedded, dsn: nil)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}

/// A connection profile written in the project file: a URL, or libpq keywords.
public struct ConnectionProfile: Equatable, Sendable {
    public var url: String?
    public var keywords: [(String, String)]

    public static func == (lhs: ConnectionProfile, rhs: ConnectionProfile) -> Bool {
        lhs.url == rhs.url && lhs.keywords.map(\.0) == rhs.keywords.map(\.0) && lhs.keywords.map(\.1) == rhs.keywords.map(\.1)
    }

    /// The libpq DSN: the URL as written, or `key='value' …` with libpq's quoting.
    public var dsn: String {
        if let url { return url }
        return keywords.map { "\($0.0)=\(Self.quote($0.1))" }.joined(separator: " ")
    }

    static func quote(_ value: String) -> String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "'\(escaped)'"
    }
}
