import Foundation

/// A session-level PostgreSQL advisory lock held on a connection of its own for as long as this
/// object lives. The server releases it when the connection ends, so a process killed with
/// `kill -9` never leaves it behind.
public final class AdvisoryLock: @unchecked Sendable {
    /// Who holds the lock another process is waiting for (from `pg_stat_activity`).
    public struct Holder: Sendable, CustomStringConvertible {
        public let application: String
        public let serverPID: Int
        public let since: String
        public let client: String
        public var description: String {
            "\(application.isEmpty ? "a session" : application) (server pid \(serverPID), connected since \(since) from \(client))"
        }
    }

    public let key: Int64
    private let connection: PostgresConnection

    /// Takes the lock named `name`, labelling this session `label` so a waiting process can name it.
    /// When another session holds it, calls `onWait` once with that session, then waits (a Ctrl-C
    /// cancels the wait like any query).
    public init(_ dsn: ConnectionString, name: String, label: String, onWait: (Holder?) -> Void) throws {
        key = Self.key(for: name)
        connection = try PostgresConnection(dsn, applicationName: label)
        try connection.execute("select set_config('application_name', $1, false)", [label])
        if try connection.query("select pg_try_advisory_lock($1::bigint) as taken", [key])[0]["taken"].bool == true { return }
        onWait(try holder())
        try connection.execute("select pg_advisory_lock($1::bigint)", [key])
    }

    /// The session holding the lock now, if it can be seen (`pg_stat_activity` shows other roles'
    /// sessions only to superusers and members of pg_read_all_stats; the pid is always there).
    private func holder() throws -> Holder? {
        guard let row = try connection.query("""
            select a.pid, coalesce(a.application_name, '') as application,
                   to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') as since,
                   coalesce(host(a.client_addr), 'a local socket') as client
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
              and l.classid::bigint = (($1::bigint >> 32) & 4294967295) and l.objid::bigint = ($1::bigint & 4294967295) and l.objsubid = 1
            limit 1
            """, [key]).first else { return nil }
        return Holder(application: row["application"].string ?? "", serverPID: row["pid"].int ?? 0,
                      since: row["since"].string ?? "?", client: row["client"].string ?? "?")
    }

    /// A stable 64-bit key for a lock name (FNV-1a of the name).
    public static func key(for name: String) -> Int64 {
        Int64(bitPattern: UInt64(Checksum.fnv64(name), radix: 16)!)
    }

    /// Releases the lock now (it is also released when the object goes away or the process dies).
    public func release() {
        _ = try? connection.execute("select pg_advisory_unlock($1::bigint)", [key])
    }

    deinit { release() }
}
