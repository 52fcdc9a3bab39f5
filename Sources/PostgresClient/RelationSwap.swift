import Foundation

/// Puts a freshly built relation in place of the old one, in the caller's transaction, without
/// taking anything away from readers.
///
/// The old relation is renamed to a backup (`<name>__rops_old_<tag>`) rather than dropped with
/// CASCADE. PostgreSQL binds views and materialized views to relations by OID, so everything that
/// read the old relation keeps reading the backup, with the old rows, until it is rebuilt itself.
/// Project views given in `views` are re-pointed at the new relation in the same transaction; foreign
/// keys that point at the backup are dropped (the indexing operations add them again). The backup
/// is dropped at once when nothing else reads it, else later by `sweepBackups()`.
public struct RelationSwap {
    /// The marker in every backup's name; `sweepBackups` finds backups by it.
    public static let backupMarker = "__rops_old"

    let connection: PostgresConnection

    public init(_ connection: PostgresConnection) { self.connection = connection }

    public struct Outcome: Sendable {
        /// The backup that is still read by something (a materialized view, a view outside the
        /// project) and so was kept; nil when the old relation is gone or there was none.
        public let keptBackup: String?
    }

    /// Replaces `schema.identifier` by `schema.staged` (a relation of `kind`: "table",
    /// "materialized view", "view"). `views` are project views reading the relation, parents first,
    /// recreated over the new one.
    @discardableResult
    public func replace(schema: String, identifier: String, with staged: String, kind: String,
                        views: [(relation: String, sql: String)] = []) throws -> Outcome {
        let existing = try relationKind(schema, identifier)
        // Only views that exist now need re-pointing; the others are built later in the run.
        let present = try views.filter { try exists($0.relation) }
        if !present.isEmpty { try lockAll(present.map(\.relation)) }
        var backup: String?
        if let existing {
            let tag = Self.backupTag()
            let name = SQLText.truncated(identifier, keeping: tag)
            try connection.execute("alter \(Self.kindName(existing)) \(SQLText.qualified(schema, identifier)) rename to \(SQLText.identifier(name))")
            try renameIndexes(of: SQLText.qualified(schema, name), schema: schema, tag: tag)
            backup = name
        }
        try connection.execute("alter \(kind) \(SQLText.qualified(schema, staged)) rename to \(SQLText.identifier(identifier))")
        for view in present { try recreate(view) }
        guard let backup, let existing else { return Outcome(keptBackup: nil) }
        let dropped = try dropIfUnread(schema: schema, name: backup, kind: existing)
        return Outcome(keptBackup: dropped ? nil : "\(schema).\(backup)")
    }

    /// Drops every backup that nothing reads any more (their readers were rebuilt, or a killed run
    /// left them); returns how many it dropped. Each in a transaction of its own.
    @discardableResult
    public func sweepBackups() throws -> Int {
        let rows = try connection.query("""
            select n.nspname as schema, c.relname as name, c.relkind::text as kind
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'm', 'v', 'p') and position($1 in c.relname) > 0
              and n.nspname not in ('pg_catalog', 'information_schema')
            order by c.oid desc
            """, [Self.backupMarker + "_"])
        var dropped = 0
        for row in rows {
            guard let schema = row["schema"].string, let name = row["name"].string, let kind = row["kind"].string else { continue }
            if try connection.transaction({ try dropIfUnread(schema: schema, name: name, kind: kind) }) { dropped += 1 }
        }
        return dropped
    }

    /// Whether `relation` (a materialized view, say) reads a backup: its stored query was bound to
    /// a relation that has since been replaced, so refreshing it would read the old rows.
    public func readsBackup(_ relation: String) throws -> Bool {
        try !connection.query("""
            select 1 from pg_rewrite r
            join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
            join pg_class c on c.oid = d.refobjid
            where r.ev_class = $1::regclass and c.oid <> r.ev_class and position($2 in c.relname) > 0
            limit 1
            """, [relation, Self.backupMarker + "_"]).isEmpty
    }

    // MARK: - Steps

    /// Drops foreign keys that point at the backup, then the backup itself unless a view or
    /// materialized view still reads it. True when it was dropped.
    private func dropIfUnread(schema: String, name: String, kind: String) throws -> Bool {
        let qualified = SQLText.qualified(schema, name)
        if kind == "r" || kind == "p" {
            let keys = try connection.query("""
                select conrelid::regclass::text as owner, conname as name from pg_constraint
                where confrelid = $1::regclass and contype = 'f' and conrelid <> confrelid
                """, [qualified])
            for key in keys {
                try connection.execute("alter table \(key["owner"].string!) drop constraint \(SQLText.identifier(key["name"].string!))")
            }
        }
        // Ask the catalog first instead of letting DROP find out: even a DROP that fails for its
        // dependents first locks each of them (the views over a materialized view included), which
        // deadlocks with a reader holding one of those views.
        if try isRead(qualified) { return false }
        try connection.execute("savepoint rops_drop_backup")
        do {
            try connection.execute("drop \(Self.kindName(kind)) \(qualified)")
            try connection.execute("release savepoint rops_drop_backup")
            return true
        } catch let error as PostgresError where error.sqlState == "2BP01" {
            // dependent_objects_still_exist: a reader still needs the old rows.
            try connection.execute("rollback to savepoint rops_drop_backup")
            return false
        }
    }

    /// Locks the views (and, as LOCK TABLE does for a view, everything they read) for the swap.
    /// A reader locks one view and then the relations under it; with several views no order of
    /// ours matches every reader's, so a plain LOCK can deadlock with one, and PostgreSQL may pick
    /// the reader as the victim. Instead: all or nothing, waiting at most 50 ms (well below
    /// `deadlock_timeout`) before letting go of what was taken and trying again.
    private func lockAll(_ relations: [String]) throws {
        let deadline = Date().addingTimeInterval(600)
        while true {
            try connection.execute("savepoint rops_lock")
            try connection.execute("set local lock_timeout = '50ms'")
            do {
                try connection.execute("lock table \(relations.joined(separator: ", ")) in access exclusive mode")
                try connection.execute("release savepoint rops_lock")
                try connection.execute("set local lock_timeout to default")
                return
            } catch let error as PostgresError where error.sqlState == "55P03" && Date() < deadline {
                // lock_not_available: the rollback releases the locks taken so far (and the setting).
                try connection.execute("rollback to savepoint rops_lock")
                usleep(UInt32.random(in: 2_000...20_000))
            }
        }
    }

    /// Whether a view or materialized view other than the relation itself reads it.
    private func isRead(_ relation: String) throws -> Bool {
        try !connection.query("""
            select 1 from pg_depend d join pg_rewrite r on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
            where d.refclassid = 'pg_class'::regclass and d.refobjid = $1::regclass and r.ev_class <> $1::regclass
            limit 1
            """, [relation]).isEmpty
    }

    /// Index names are unique per schema: a kept backup must give up its index names (and with
    /// them its constraints' names) so the new relation's indexes and keys can take them.
    private func renameIndexes(of relation: String, schema: String, tag: String) throws {
        let indexes = try connection.query("select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = $1::regclass",
                                           [relation]).compactMap { $0["name"].string }
        for index in indexes {
            try connection.execute("alter index \(SQLText.qualified(schema, index)) rename to \(SQLText.identifier(SQLText.truncated(index, keeping: tag)))")
        }
    }

    /// `create or replace view` binds the view to the new relation. A column list that changed in a
    /// way CREATE OR REPLACE cannot do replaces the view; a view whose SQL reads a relation this run
    /// has not built yet stays as it is until the runner reaches it.
    private func recreate(_ view: (relation: String, sql: String)) throws {
        try connection.execute("savepoint rops_recreate_view")
        do {
            try connection.execute("create or replace view \(view.relation) as\n\(view.sql)")
        } catch let error as PostgresError where error.sqlState == "42P16" || error.sqlState == "42809" {
            try connection.execute("rollback to savepoint rops_recreate_view")
            try connection.execute("savepoint rops_recreate_view")
            do {
                try connection.execute("drop view \(view.relation)")
                try connection.execute("create view \(view.relation) as\n\(view.sql)")
            } catch let error as PostgresError where error.sqlState == "2BP01" {
                // Another view reads this one: keep both on the old relation until they are rebuilt.
                try connection.execute("rollback to savepoint rops_recreate_view")
                return
            }
        } catch let error as PostgresError where error.sqlState == "42P01" || error.sqlState == "42703" {
            try connection.execute("rollback to savepoint rops_recreate_view")
            return
        }
        try connection.execute("release savepoint rops_recreate_view")
    }

    private func relationKind(_ schema: String, _ name: String) throws -> String? {
        try connection.query("""
            select c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2
            """, [schema, name]).first?["kind"].string
    }

    private func exists(_ relation: String) throws -> Bool {
        try connection.query("select to_regclass($1) is not null as present", [relation])[0]["present"].bool == true
    }

    /// A suffix unique to this swap: a kept backup must not collide with the next one.
    static func backupTag() -> String {
        backupMarker + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    public static func kindName(_ relkind: String) -> String {
        switch relkind {
        case "v": return "view"
        case "m": return "materialized view"
        case "f": return "foreign table"
        default: return "table"
        }
    }
}
