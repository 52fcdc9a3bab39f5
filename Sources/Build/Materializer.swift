import Foundation
import PostgresClient
import Project

/// What one node did in the database.
public struct MaterializationResult: Sendable {
    public let message: String
    public let rowsAffected: Int?
    /// An incremental run that changed no rows: the data is the version it was.
    public var unchangedData = false
    /// Built from scratch (not an incremental run or a refresh).
    public var fromScratch = true
}

/// Generates and runs the SQL that builds one model, each step in a transaction where PostgreSQL
/// allows it, so a failure leaves the previous relation untouched.
struct Materializer {
    let connection: PostgresConnection
    let model: CompiledModel
    /// The SQL to run (rendered for this run: `is_incremental()` answered).
    let sql: String
    let fullRefresh: Bool
    /// Views of the project that read this model (directly or through other views), parents first,
    /// with their SQL: recreated inside the swap transaction so readers never miss them.
    let dependentViews: [(relation: String, sql: String)]
    let hooks: (pre: [String], post: [String])
    /// Runs inside the build's transaction just before it commits (the ledger's record).
    var beforeCommit: ((_ fromScratch: Bool) throws -> Void)? = nil
    /// On Citus: how the model's table is spread over the nodes (nil on plain PostgreSQL, or when
    /// the model has no `distributed_by` / `reference` config).
    var distribution: TableDistribution? = nil
    /// The database is a Citus coordinator (whatever this model's config says).
    var onCitus = false

    var schema: String { model.schema }
    var identifier: String { model.identifier }
    var target: String { model.relation }

    func run() throws -> MaterializationResult {
        switch model.materialization {
        case .view: return try view()
        case .table: return try table()
        case .incremental: return try incremental()
        case .materializedView:
            // Citus does not distribute materialized views: a distributed one is a distributed table.
            if distribution != nil { return try table() }
            return try materializedView()
        case .ephemeral: return MaterializationResult(message: "ephemeral (inlined where it is used)", rowsAffected: nil)
        case .operation: return try operation()
        case .snapshot: return try SnapshotBuilder(connection: connection, model: model, sql: sql).run()
        }
    }

    // MARK: - Materializations

    private func view() throws -> MaterializationResult {
        try connection.transaction {
            try runHooks(hooks.pre)
            try dropIfKind(not: "v")
            do {
                try connection.execute("savepoint rops_view")
                try connection.execute("create or replace view \(target) as\n\(body)")
            } catch let error as PostgresError where error.sqlState == "42P16" || error.sqlState == "42809" {
                // The column list changed in a way CREATE OR REPLACE cannot do: replace the view.
                try connection.execute("rollback to savepoint rops_view")
                try connection.execute("drop view if exists \(target) cascade")
                try connection.execute("create view \(target) as\n\(body)")
            }
            try applyGrants(target, kind: "view")
            try runHooks(hooks.post)
            try beforeCommit?(true)
        }
        return MaterializationResult(message: "CREATE VIEW", rowsAffected: nil)
    }

    private func table() throws -> MaterializationResult {
        let temporary = Self.sideName(identifier, "__rops_tmp")
        let temporaryRelation = Relation.quoted(schema, temporary)
        let rows: Int? = try connection.transaction {
            try runHooks(hooks.pre)
            try connection.execute("drop table if exists \(temporaryRelation) cascade")
            let created = try createTable(temporaryRelation)
            try createIndexes(on: temporaryRelation, table: temporary)
            try applyGrants(temporaryRelation, kind: "table")
            try swap(temporary, kind: "table")
            try runHooks(hooks.post)
            try beforeCommit?(true)
            return created
        }
        try analyzeAfterCommit()
        return MaterializationResult(message: "SELECT \(rows ?? 0)", rowsAffected: rows)
    }

    /// `create table … as` the model's rows; on Citus an empty table is distributed first and then
    /// filled, so the rows go straight to the shards (distributing a filled table copies them and
    /// leaves the local copy on disk).
    private func createTable(_ relation: String) throws -> Int? {
        guard let distribution else {
            return try connection.execute("create table \(relation) as\n\(body)").affectedRows
        }
        try distribution.checkKeys(model)
        try connection.execute("create table \(relation) as\n\(body)\nwith no data")
        try distribution.apply(to: relation, on: connection)
        return try connection.execute("insert into \(relation)\n\(body)").affectedRows
    }

    private func incremental() throws -> MaterializationResult {
        let strategy = model.config.incrementalStrategy
        guard ["append", "merge", "delete+insert", "microbatch"].contains(strategy) else {
            throw ProjectError(file: model.model.path, message: "incremental_strategy '\(strategy)' is not one rops runs on PostgreSQL; use append, merge, delete+insert or microbatch")
        }
        guard !fullRefresh, try existingKind() == "r", try placementMatches() else { return try table() }
        let rows: Int = try connection.transaction {
            try runHooks(hooks.pre)
            let staged = try stageIncrement()
            let columns = try commonColumns(staged)
            let list = columns.map(SQLText.identifier).joined(separator: ", ")
            let keys = model.config.uniqueKey
            var affected = 0
            // Citus merges into distributed tables only; into a reference table, replacing the
            // matched rows (delete, then insert) is the same as updating every column.
            var strategy = model.config.incrementalStrategy
            if strategy == "merge", distribution?.kind == .reference { strategy = "delete+insert" }
            switch (strategy, keys.isEmpty) {
            case ("append", _):
                // dbt's append adds the new rows whatever the unique_key says.
                affected = try connection.execute("insert into \(target) (\(list)) select \(list) from \(staged)").affectedRows ?? 0
            case ("microbatch", true):
                throw ProjectError(file: model.model.path, message: "microbatch on PostgreSQL merges each batch on `unique_key`, which this model lacks (as dbt-postgres requires)")
            case ("merge", false), ("microbatch", false):
                let on = keys.map { "target.\(SQLText.identifier($0)) = source.\(SQLText.identifier($0))" }.joined(separator: " and ")
                let updates = columns.filter { !keys.contains($0) }.map { "\(SQLText.identifier($0)) = source.\(SQLText.identifier($0))" }
                let matched = updates.isEmpty ? "" : "when matched then update set \(updates.joined(separator: ", "))\n"
                affected = try connection.execute("""
                    merge into \(target) as target using \(staged) as source on \(on)
                    \(matched)when not matched then insert (\(list)) values (\(columns.map { "source.\(SQLText.identifier($0))" }.joined(separator: ", ")))
                    """).affectedRows ?? 0
            case (_, false):
                let on = keys.map { "target.\(SQLText.identifier($0)) = staged.\(SQLText.identifier($0))" }.joined(separator: " and ")
                try connection.execute("delete from \(target) as target using \(staged) as staged where \(on)")
                affected = try connection.execute("insert into \(target) (\(list)) select \(list) from \(staged)").affectedRows ?? 0
            default:
                affected = try connection.execute("insert into \(target) (\(list)) select \(list) from \(staged)").affectedRows ?? 0
            }
            if distribution != nil { try connection.execute("drop table \(staged)") }
            try runHooks(hooks.post)
            if affected > 0 { try beforeCommit?(false) }
            return affected
        }
        var result = MaterializationResult(message: "INSERT \(rows)", rowsAffected: rows)
        (result.unchangedData, result.fromScratch) = (rows == 0, false)
        // A distributed table's statistics live in its shards, which the workers' autovacuum keeps.
        if distribution != nil { return result }
        // Statistics again once a tenth of the table is new: sampling a 13M-row table after every
        // 10k-row cycle costs more than the cycle's merge (autovacuum still analyses it in time).
        let estimate = try connection.query("select reltuples::float8 as n from pg_class where oid = $1::regclass", [target]).first?["n"].double ?? 0
        if rows > 0 && Double(rows) > 0.1 * max(estimate, 0) { try analyzeAfterCommit() }
        return result
    }

    private func materializedView() throws -> MaterializationResult {
        let checksum = "rops checksum " + Checksum.fnv64(sql)
        // A view whose inputs were replaced still reads their old versions (bound by OID): a refresh
        // would read old rows, so it is built again.
        if !fullRefresh, try existingKind() == "m", try currentComment() == checksum, try !RelationSwap(connection).readsBackup(target) {
            let concurrent = try hasUniqueIndex()
            try runHooks(hooks.pre)
            try connection.execute("refresh materialized view \(concurrent ? "concurrently " : "")\(target)")
            try connection.execute("analyze \(target)")
            try runHooks(hooks.post)
            try beforeCommit?(true)
            return MaterializationResult(message: concurrent ? "REFRESH CONCURRENTLY" : "REFRESH", rowsAffected: nil)
        }
        let temporary = Self.sideName(identifier, "__rops_tmp")
        let temporaryRelation = Relation.quoted(schema, temporary)
        try connection.transaction {
            try runHooks(hooks.pre)
            try connection.execute("drop materialized view if exists \(temporaryRelation) cascade")
            try connection.execute("create materialized view \(temporaryRelation) as\n\(body)\nwith data")
            try connection.execute("comment on materialized view \(temporaryRelation) is \(try SQLText.literal(checksum))")
            try createIndexes(on: temporaryRelation, table: temporary)
            try applyGrants(temporaryRelation, kind: "materialized view")
            try swap(temporary, kind: "materialized view")
            try runHooks(hooks.post)
            try beforeCommit?(true)
        }
        try analyzeAfterCommit()
        return MaterializationResult(message: "CREATE MATERIALIZED VIEW", rowsAffected: nil)
    }

    /// Statistics now, not when autovacuum gets round to it: the next model's plan depends on them.
    /// After the commit, not before: a transaction's inserted rows count towards autovacuum's
    /// threshold only when it commits, so an ANALYZE inside it was followed by autovacuum analysing
    /// the same table again, mid-build, under a lock that index and key builds wait for.
    private func analyzeAfterCommit() throws {
        try connection.execute("analyze \(target)")
    }

    private func operation() throws -> MaterializationResult {
        try connection.transaction {
            try runHooks(hooks.pre)
            if !body.isEmpty { try connection.executeStatements(body) }
            try runHooks(hooks.post)
            try beforeCommit?(true)
        }
        return MaterializationResult(message: "OK", rowsAffected: nil)
    }

    // MARK: - Steps

    /// The model SQL without trailing semicolons (it is wrapped in CREATE … AS).
    var body: String { SQLCleanup.trimSemicolons(sql) }

    /// Renames the new relation into place; the old one stays readable for whatever still reads it
    /// (see `RelationSwap`), and project views over it move to the new one in the same transaction.
    private func swap(_ temporary: String, kind: String) throws {
        try RelationSwap(connection).replace(schema: schema, identifier: identifier, with: temporary, kind: kind, views: dependentViews)
        try renameIndexes(table: identifier)
        FaultInjection.reach("model:\(model.name):swapped")
    }

    private func createIndexes(on relation: String, table: String) throws {
        for (position, index) in model.config.indexes.enumerated() {
            let columns = index.columns.map(SQLText.identifier).joined(separator: ", ")
            let name = Self.sideName(table, "__i\(position)")
            try connection.execute("create \(index.unique ? "unique " : "")index \(SQLText.identifier(name)) on \(relation) using \(index.method) (\(columns))")
        }
    }

    /// Gives the indexes built on the temporary table their final names (`<table>_<columns>_idx`).
    private func renameIndexes(table: String) throws {
        for (position, index) in model.config.indexes.enumerated() {
            let temporaryName = Self.sideName(Self.sideName(identifier, "__rops_tmp"), "__i\(position)")
            let finalName = Self.truncate(([table] + index.columns + [index.unique ? "uidx" : "idx"]).joined(separator: "_"))
            try connection.execute("alter index if exists \(Relation.quoted(schema, temporaryName)) rename to \(SQLText.identifier(finalName))")
        }
    }

    private func applyGrants(_ relation: String, kind: String) throws {
        for (privilege, roles) in model.config.grants where !roles.isEmpty {
            let allowed: Set<String> = ["select", "insert", "update", "delete", "truncate", "references", "trigger", "all"]
            guard allowed.contains(privilege.lowercased()) else {
                throw PostgresError(kind: .client, message: "unknown privilege '\(privilege)' in grants of model '\(model.name)'")
            }
            try connection.execute("grant \(privilege) on \(relation) to \(roles.map(SQLText.identifier).joined(separator: ", "))")
        }
    }

    private func runHooks(_ statements: [String]) throws {
        for statement in statements where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try connection.executeStatements(statement)
        }
    }

    /// Drops a relation of another kind that stands where this view goes.
    private func dropIfKind(not wanted: String) throws {
        if let kind = try existingKind(), kind != wanted {
            try connection.execute("drop \(Self.kindName(kind)) \(target) cascade")
        }
    }

    private func existingKind() throws -> String? {
        try connection.query("""
            select c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2
            """, [schema, identifier]).first?["kind"].string
    }

    private func currentComment() throws -> String? {
        try connection.query("""
            select obj_description(c.oid, 'pg_class') as comment from pg_class c
            join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2
            """, [schema, identifier]).first?["comment"].string
    }

    private func hasUniqueIndex() throws -> Bool {
        try !connection.query("""
            select 1 from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and i.indisunique and i.indpred is null and i.indexprs is null
            """, [schema, identifier]).isEmpty
    }

    /// Whether the table is placed as the config says (on Citus): an increment cannot be merged
    /// into a table distributed otherwise, so a changed `distributed_by` rebuilds it.
    private func placementMatches() throws -> Bool {
        guard onCitus else { return true }
        let row = try connection.query("""
            select partmethod::text as method, column_to_column_name(logicalrelid, partkey) as column
            from pg_dist_partition where logicalrelid = $1::regclass
            """, [target]).first
        switch distribution?.kind {
        case nil: return row == nil
        case .reference: return row?["method"].string == "n"
        case .distributed(let column, _, _): return row?["method"].string == "h" && row?["column"].string == column
        }
    }

    /// The increment's rows in a table of their own; returns how SQL names it. On one node a
    /// temporary table. On Citus, which merges only between co-located tables, a table placed
    /// like the target (dropped before the transaction commits).
    private func stageIncrement() throws -> String {
        guard let distribution else {
            let staged = SQLText.identifier(Self.sideName(identifier, "__rops_incr"))
            try connection.execute("create temporary table \(staged) on commit drop as\n\(body)")
            return staged
        }
        try distribution.checkKeys(model)
        let staged = Relation.quoted(schema, Self.sideName(identifier, "__rops_incr"))
        try connection.execute("drop table if exists \(staged)")
        try connection.execute("create table \(staged) as\n\(body)\nwith no data")
        try distribution.apply(to: staged, colocateWith: distribution.column == nil ? nil : target, on: connection)
        try connection.execute("insert into \(staged)\n\(body)")
        return staged
    }

    /// The columns new rows fill, after dbt's `on_schema_change`: `ignore` (the default) keeps the
    /// table as it is and fills the columns both have; `append_new_columns` adds the query's new
    /// columns; `sync_all_columns` also drops those the query no longer has; `fail` stops when they differ.
    private func commonColumns(_ stagedRelation: String) throws -> [String] {
        var targetColumns = try columns(of: "\(schema)", identifier)
        let staged = try CatalogColumns.of(stagedRelation, on: connection)
        let added = staged.filter { !targetColumns.contains($0.0) }
        let removed = targetColumns.filter { name in !staged.contains { $0.0 == name } }
        let policy = model.config["on_schema_change"]?.stringValue ?? "ignore"
        switch policy {
        case "ignore": break
        case "fail":
            if !added.isEmpty || !removed.isEmpty {
                throw ProjectError(file: model.model.path, message: "on_schema_change: fail, and the columns changed: added \(added.map(\.0)), removed \(removed)")
            }
        case "append_new_columns", "sync_all_columns":
            for (name, type) in added { try connection.execute("alter table \(target) add column \(SQLText.identifier(name)) \(type)") }
            if policy == "sync_all_columns" {
                for name in removed { try connection.execute("alter table \(target) drop column \(SQLText.identifier(name))") }
            }
            targetColumns = try columns(of: "\(schema)", identifier)
        default:
            throw ProjectError(file: model.model.path, message: "on_schema_change is ignore, fail, append_new_columns or sync_all_columns, not '\(policy)'")
        }
        return staged.map(\.0).filter(targetColumns.contains)
    }

    private func columns(of schema: String, _ table: String) throws -> [String] {
        try connection.query("""
            select a.attname as name from pg_attribute a join pg_class c on c.oid = a.attrelid
            join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped order by a.attnum
            """, [schema, table]).compactMap { $0["name"].string }
    }

    static func kindName(_ relkind: String) -> String { RelationSwap.kindName(relkind) }

    /// `name` + `suffix`, cut so the whole stays within PostgreSQL's 63-byte identifiers.
    static func sideName(_ name: String, _ suffix: String) -> String {
        SQLText.truncated(name, keeping: suffix)
    }

    static func truncate(_ name: String) -> String { SQLText.truncated(name) }
}
