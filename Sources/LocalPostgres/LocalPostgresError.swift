/// Why the embedded cluster could not be created, started or stopped. Each message says what to do.
public enum LocalPostgresError: Error, CustomStringConvertible, Equatable {
    case binariesNotFound(searched: [String])
    case noUnprivilegedUser(String)
    case diskFull(path: String, freeMegabytes: Int)
    case initdbFailed(String)
    case startFailed(reason: String, logTail: String, logPath: String)
    case stopFailed(String)
    case notInitialised(String)
    case filesystem(String)

    public var description: String {
        switch self {
        case .binariesNotFound(let searched):
            return "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; searched "
                + searched.joined(separator: ", ")
                + ". Install them (Debian/Ubuntu: apt-get install postgresql), set ROPS_PG_BINDIR, "
                + "or point rops at an existing server with DB_CONNECTION_STRING."
        case .noUnprivilegedUser(let user):
            return "PostgreSQL refuses to run as root and the OS user '\(user)' does not exist; "
                + "create it (useradd --system \(user)) or set ROPS_PG_OS_USER to another unprivileged user."
        case .diskFull(let path, let free):
            return "not enough disk space for the embedded database at \(path): \(free) MB free. "
                + "Free some space, or run `rops db reset` in projects you no longer need."
        case .initdbFailed(let output):
            return "initdb failed: \(output)"
        case .startFailed(let reason, let logTail, let logPath):
            var text = "the embedded PostgreSQL did not start: \(reason)"
            if !logTail.isEmpty { text += "\nlast lines of \(logPath):\n" + logTail }
            return text
        case .stopFailed(let output):
            return "the embedded PostgreSQL did not stop: \(output)"
        case .notInitialised(let path):
            return "no embedded database at \(path) yet; `rops db start` creates it"
        case .filesystem(let message):
            return message
        }
    }
}
