import Foundation
import PostgresClient
import Project

/// `rops_meta.builds`: for every node that built (models, seeds, passing tests), the fingerprint of
/// what it was built from (its SQL, config and the versions of its inputs) and the version of the
/// data it produced. A node whose fingerprint has not changed since its last successful build is
/// skipped: `rops build` twice in a row does no SQL work the second time.
///
/// Inputs are versioned as follows. A model or seed is the version it was last recorded with. A
/// source table loaded by `rops load` is its OID, its file node (a reload or TRUNCATE changes them)
/// and its last load. A table that rops does not load (written by another tool) has no version rops
/// can trust (PostgreSQL's write counters lag up to a second behind a connected writer), so what
/// reads it always runs.
public final class BuildLedger: @unchecked Sendable {
    public struct Entry: Sendable {
        public let fingerprint: String
        public let version: Int64
        /// The relation's OID when it was recorded (nil for operations and tests).
        public let oid: String?
        public let builtAt: String
        /// The version at which the node was last built from scratch (not incrementally).
        public let fullVersion: Int64
        /// How far into each loaded source its inputs reached when it built: relation → (OID, the
        /// last load of it that its inputs held). `load_watermark()` reads this.
        public let sources: [String: (oid: String, load: Int64)]
    }

    private let lock = NSLock()
    private var entries: [String: Entry]
    /// Quoted relation name → (OID, change token).
    private var relations: [String: (oid: String, token: String)]
    /// Tables loaded by `rops load` at the start of this run: relation → (OID, last load id).
    public let loadedSources: [String: (oid: String, load: Int64)]

    init(entries: [String: Entry], relations: [String: (oid: String, token: String)], loadedSources: [String: (oid: String, load: Int64)]) {
        self.entries = entries
        self.relations = relations
        self.loadedSources = loadedSources
    }

    /// Reads the ledger and the relations' change marks (creating `rops_meta.builds` when missing).
    public static func load(_ connection: PostgresConnection) throws -> BuildLedger {
        try ensure(connection)
        var entries: [String: Entry] = [:]
        for row in try connection.query("""
            select node, fingerprint, version, full_version, relation_oid::text as oid, sources::text as sources,
                   to_char(built_at, 'YYYY-MM-DD HH24:MI:SS') as built_at
            from rops_meta.builds
            """) {
            guard let node = row["node"].string, let fingerprint = row["fingerprint"].string,
                  let version = row["version"].string.flatMap({ Int64($0) }) else { continue }
            entries[node] = Entry(fingerprint: fingerprint, version: version, oid: row["oid"].string, builtAt: row["built_at"].string ?? "",
                                  fullVersion: row["full_version"].string.flatMap { Int64($0) } ?? version,
                                  sources: Self.decodeSources(row["sources"].string))
        }
        let (marks, loaded) = try relationMarks(connection)
        return BuildLedger(entries: entries, relations: marks, loadedSources: loaded)
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
                    full_version bigint,
                    relation_oid oid,
                    sources jsonb,
                    built_at timestamptz not null default clock_timestamp()
                );
                """)
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation || error.sqlState == "42P07" {
            // Another process created it at the same moment.
        }
    }

    /// Every table-like relation's OID and change token in one catalog query.
    static func relationMarks(_ connection: PostgresConnection) throws
        -> ([String: (oid: String, token: String)], [String: (oid: String, load: Int64)]) {
        let loads = try connection.query("select to_regclass('rops_meta.loads') is not null as present")[0]["present"].bool == true
        let lastLoad = loads
            ? "(select max(l.load_id) from rops_meta.loads l where l.table_name = n.nspname || '.' || c.relname and l.status = 'ok')::text"
            : "null"
        var marks: [String: (oid: String, token: String)] = [:]
        var loaded: [String: (oid: String, load: Int64)] = [:]
        let unknown = UUID().uuidString
        for row in try connection.query("""
            select n.nspname as schema, c.relname as name, c.oid::text as oid, c.relfilenode::text as node, \(lastLoad) as last_load
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'v', 'm', 'p', 'f') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
            """) {
            guard let schema = row["schema"].string, let name = row["name"].string, let oid = row["oid"].string else { continue }
            // Not loaded by rops: a token no later build will match.
            let token = row["last_load"].string.map { "\(oid):\(row["node"].string ?? ""):\($0)" } ?? "unversioned-\(unknown)"
            marks[Relation.quoted(schema, name)] = (oid, token)
            if let load = row["last_load"].string.flatMap({ Int64($0) }) { loaded[Relation.quoted(schema, name)] = (oid, load) }
        }
        return (marks, loaded)
    }

    static func decodeSources(_ text: String?) -> [String: (oid: String, load: Int64)] {
        guard let data = text?.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else { return [:] }
        var result: [String: (oid: String, load: Int64)] = [:]
        for (relation, value) in object {
            guard let oid = value["oid"] as? String, let load = (value["load"] as? NSNumber)?.int64Value else { continue }
            result[relation] = (oid, load)
        }
        return result
    }

    static func encode(_ sources: [String: (oid: String, load: Int64)]) -> String {
        let object = sources.mapValues { ["oid": $0.oid, "load": NSNumber(value: $0.load)] as [String: Any] }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
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

    /// Records a successful build (on the build's connection, inside its transaction where it has
    /// one, so the record commits with the data). `keepVersion`: the node ran but changed no data
    /// (an incremental model that found no new rows), so what reads it need not run again.
    /// `fromScratch`: it was built in full, not incrementally.
    public func record(_ node: String, fingerprint: String, relation: String?, keepVersion: Bool, fromScratch: Bool = true,
                       sources: [String: (oid: String, load: Int64)] = [:], on connection: PostgresConnection) throws {
        let previous = entry(node)
        let oid: String? = try relation.flatMap { relation in
            try connection.query("select to_regclass($1)::oid::text as oid", [relation]).first?["oid"].string
        }
        let keep = keepVersion ? previous.map { String($0.version) } : nil
        let row = try connection.query("""
            insert into rops_meta.builds as b (node, fingerprint, version, full_version, relation_oid, sources)
            select $1, $2, v.version, case when $5 then v.version else coalesce($6::bigint, v.version) end, $4::oid, $7::jsonb
            from (select coalesce($3::bigint, nextval('rops_meta.build_versions')) as version) v
            on conflict (node) do update set fingerprint = excluded.fingerprint, version = excluded.version,
                full_version = excluded.full_version, relation_oid = excluded.relation_oid, sources = excluded.sources,
                built_at = clock_timestamp()
            returning version::text as version, full_version::text as full_version, to_char(built_at, 'YYYY-MM-DD HH24:MI:SS') as built_at
            """, [node, fingerprint, keep, oid, fromScratch ? "true" : "false", previous.map { String($0.fullVersion) }, Self.encode(sources)])
        let version = Int64(row.first?["version"].string ?? "") ?? 0
        let entry = Entry(fingerprint: fingerprint, version: version, oid: oid, builtAt: row.first?["built_at"].string ?? "",
                          fullVersion: Int64(row.first?["full_version"].string ?? "") ?? version, sources: sources)
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
