import Foundation
import PostgresClient
import Project

/// `rops_meta.builds`: for every node that built (models, seeds, passing tests), the fingerprint of
/// what it was built from (its SQL, config and the versions of its inputs) and the version of the
/// data it produced. A node whose fingerprint has not changed since its last successful build is
/// skipped: `rops build` twice in a row does no SQL work the second time.
///
/// Inputs are versioned as follows. A model or seed is the version it was last recorded with. A
/// source table (or a seed loaded elsewhere) is its identity plus what PostgreSQL knows of its
/// changes: its OID and file node (a reload or TRUNCATE changes them), the last `rops load` of it,
/// and its insert/update/delete counters from the statistics (a write outside rops; those counters
/// can lag up to about a second behind a writer that is still connected).
public final class BuildLedger: @unchecked Sendable {
    public struct Entry: Sendable {
        public let fingerprint: String
        public let version: Int64
        /// The relation's OID when it was recorded (nil for operations and tests).
        public let oid: String?
        public let builtAt: String
    }

    private let lock = NSLock()
    private var entries: [String: Entry]
    /// Quoted relation name → (OID, change token).
    private var relations: [String: (oid: String, token: String)]

    init(entries: [String: Entry], relations: [String: (oid: String, token: String)]) {
        self.entries = entries
        self.relations = relations
    }

    /// Reads the ledger and the relations' change marks (creating `rops_meta.builds` when missing).
    public static func load(_ connection: PostgresConnection) throws -> BuildLedger {
        try ensure(connection)
        var entries: [String: Entry] = [:]
        for row in try connection.query("""
            select node, fingerprint, version, relation_oid::text as oid, to_char(built_at, 'YYYY-MM-DD HH24:MI:SS') as built_at
            from rops_meta.builds
            """) {
            guard let node = row["node"].string, let fingerprint = row["fingerprint"].string,
                  let version = row["version"].string.flatMap({ Int64($0) }) else { continue }
            entries[node] = Entry(fingerprint: fingerprint, version: version, oid: row["oid"].string, builtAt: row["built_at"].string ?? "")
        }
        return BuildLedger(entries: entries, relations: try relationMarks(connection))
    }

    static func ensure(_ connection: PostgresConnection) throws {
        let present = try connection.query("select to_regclass('rops_meta.builds') is not null as present")[0]["present"].bool == true
        guard !present else { return }
        do {
            try connection.executeScript("""
                create schema if not exists rops_meta;
                create sequence if not exists rops_meta.build_versions;
                create table if not exists rops_meta.builds (
                    node text primary key,
                    fingerprint text not null,
                    version bigint not null,
                    relation_oid oid,
                    built_at timestamptz not null default clock_timestamp()
                );
                """)
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation || error.sqlState == "42P07" {
            // Another process created it at the same moment.
        }
    }

    /// Every table-like relation's OID and change token in one catalog query.
    static func relationMarks(_ connection: PostgresConnection) throws -> [String: (oid: String, token: String)] {
        // Statistics are read once per transaction and cached (stats_fetch_consistency): start fresh.
        _ = try connection.query("select pg_stat_clear_snapshot()")
        let loads = try connection.query("select to_regclass('rops_meta.loads') is not null as present")[0]["present"].bool == true
        let lastLoad = loads
            ? "(select max(l.load_id) from rops_meta.loads l where l.table_name = n.nspname || '.' || c.relname and l.status = 'ok')::text"
            : "''"
        var marks: [String: (oid: String, token: String)] = [:]
        for row in try connection.query("""
            select n.nspname as schema, c.relname as name, c.oid::text as oid,
                   c.oid::text || ':' || c.relfilenode::text || ':' || coalesce(\(lastLoad), '-') || ':'
                   || coalesce((s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::text, '-') as token
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            left join pg_stat_all_tables s on s.relid = c.oid
            where c.relkind in ('r', 'v', 'm', 'p', 'f') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
            """) {
            guard let schema = row["schema"].string, let name = row["name"].string, let oid = row["oid"].string else { continue }
            marks[Relation.quoted(schema, name)] = (oid, row["token"].string ?? oid)
        }
        return marks
    }

    public func entry(_ node: String) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        return entries[node]
    }

    public func relation(_ quoted: String) -> (oid: String, token: String)? {
        lock.lock(); defer { lock.unlock() }
        return relations[quoted]
    }

    /// Whether `node`'s last recorded build had this fingerprint and its relation is still the one
    /// it built (not dropped or replaced since).
    public func isCurrent(_ node: String, fingerprint: String, relation: String?) -> Entry? {
        guard let entry = entry(node), entry.fingerprint == fingerprint else { return nil }
        if let relation {
            guard let oid = entry.oid, self.relation(relation)?.oid == oid else { return nil }
        }
        return entry
    }

    /// Records a successful build. `keepVersion`: the node ran but changed no data (an incremental
    /// model that found no new rows), so what reads it need not run again.
    public func record(_ node: String, fingerprint: String, relation: String?, keepVersion: Bool,
                       on connection: PostgresConnection) throws {
        let previous = entry(node)
        let oid: String? = try relation.flatMap { relation in
            try connection.query("select to_regclass($1)::oid::text as oid", [relation]).first?["oid"].string
        }
        let row = try connection.query("""
            insert into rops_meta.builds as b (node, fingerprint, version, relation_oid)
            values ($1, $2, coalesce($3::bigint, nextval('rops_meta.build_versions')), $4::oid)
            on conflict (node) do update set fingerprint = excluded.fingerprint, version = excluded.version,
                relation_oid = excluded.relation_oid, built_at = clock_timestamp()
            returning version::text as version, to_char(built_at, 'YYYY-MM-DD HH24:MI:SS') as built_at
            """, [node, fingerprint, keepVersion ? previous.map { String($0.version) } : nil, oid])
        let entry = Entry(fingerprint: fingerprint, version: Int64(row.first?["version"].string ?? "") ?? 0, oid: oid,
                          builtAt: row.first?["built_at"].string ?? "")
        lock.lock()
        entries[node] = entry
        if let relation, let oid {
            let token = relations[relation]?.oid == oid ? relations[relation]!.token : oid
            relations[relation] = (oid, token)
        }
        lock.unlock()
    }

    /// A stable digest of the parts of a fingerprint.
    public static func digest(_ parts: [String]) -> String {
        Checksum.fnv64(parts.joined(separator: "\u{1F}")) + Checksum.fnv64(parts.reversed().joined(separator: "\u{1E}"))
    }
}
