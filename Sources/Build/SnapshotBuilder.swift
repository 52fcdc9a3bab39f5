import Foundation
import PostgresClient
import Project
import Template

/// dbt's snapshots: SCD type 2 history of a query's rows, with dbt-core's columns (`dbt_scd_id`,
/// `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to`, and `dbt_is_deleted` for
/// `hard_deletes: new_record`) and its rules, statement for statement as dbt-core's staging query:
/// a key's current row is closed when it changed (the `timestamp` strategy: a newer `updated_at`;
/// `check`: any of `check_cols` differs) and a new version inserted; `hard_deletes: invalidate`
/// closes rows whose key left the query, `new_record` also records the deletion. One transaction per
/// run, so `now()` (dbt's snapshot time) is one instant and readers see all or nothing.
struct SnapshotBuilder {
    let connection: PostgresConnection
    let model: CompiledModel
    let sql: String

    struct Strategy {
        /// `jsonb_build_array(<keys>)`, so lists of keys and expressions compare as one value.
        let keys: [String]
        let updatedAt: String
        let isCheck: Bool
        let checkColumns: [String]?
        let hardDeletes: String
    }

    func run() throws -> MaterializationResult {
        let strategy = try self.strategy()
        let target = model.relation
        return try connection.transaction {
            try connection.execute("create schema if not exists \(SQLText.identifier(model.schema))")
            let exists = try connection.query("select to_regclass($1) is not null as e", [target])[0]["e"].bool ?? false
            guard exists else { return try create(strategy, target: target) }
            return try update(strategy, target: target)
        }
    }

    private func config(_ key: String) -> Value? { model.config[key] }

    private func strategy() throws -> Strategy {
        guard let uniqueKey = config("unique_key"), !uniqueKey.isNone else {
            throw ProjectError(file: model.model.path, message: "snapshot '\(model.name)' needs a `unique_key` config")
        }
        let keys = NodeConfig.stringList(uniqueKey)
        let name = config("strategy")?.stringValue ?? ""
        var hardDeletes = config("hard_deletes")?.stringValue ?? "ignore"
        if config("invalidate_hard_deletes")?.truthy == true { hardDeletes = "invalidate" }
        guard ["ignore", "invalidate", "new_record"].contains(hardDeletes) else {
            throw ProjectError(file: model.model.path, message: "snapshot '\(model.name)': hard_deletes is ignore, invalidate or new_record, not '\(hardDeletes)'")
        }
        switch name {
        case "timestamp":
            guard let updatedAt = config("updated_at")?.stringValue else {
                throw ProjectError(file: model.model.path, message: "snapshot '\(model.name)' uses the timestamp strategy and needs `updated_at`")
            }
            return Strategy(keys: keys, updatedAt: updatedAt, isCheck: false, checkColumns: nil, hardDeletes: hardDeletes)
        case "check":
            let columns = config("check_cols")
            let list = columns?.stringValue == "all" ? nil : NodeConfig.stringList(columns)
            guard list == nil || !list!.isEmpty else {
                throw ProjectError(file: model.model.path, message: "snapshot '\(model.name)' uses the check strategy and needs `check_cols` (a list or 'all')")
            }
            return Strategy(keys: keys, updatedAt: config("updated_at")?.stringValue ?? Self.snapshotTime, isCheck: true,
                            checkColumns: list, hardDeletes: hardDeletes)
        default:
            throw ProjectError(file: model.model.path, message: "snapshot '\(model.name)' needs `strategy: timestamp` or `strategy: check`, not '\(name)'")
        }
    }

    /// dbt-postgres' snapshot_get_time().
    static let snapshotTime = "now()::timestamp without time zone"

    /// dbt's snapshot_hash_arguments: md5 of the arguments cast to text, `|`-separated.
    static func hash(_ arguments: [String]) -> String {
        "md5(" + arguments.map { "coalesce(cast(\($0) as varchar ), '')" }.joined(separator: " || '|' || ") + ")"
    }

    private var body: String { SQLCleanup.trimSemicolons(sql) }

    private func create(_ strategy: Strategy, target: String) throws -> MaterializationResult {
        let deleted = strategy.hardDeletes == "new_record" ? ",\n    'False'::text as dbt_is_deleted" : ""
        let result = try connection.execute("""
            create table \(target) as
            select *,
                \(Self.hash(strategy.keys + [strategy.updatedAt])) as dbt_scd_id,
                \(strategy.updatedAt) as dbt_updated_at,
                \(strategy.updatedAt) as dbt_valid_from,
                nullif(\(strategy.updatedAt), \(strategy.updatedAt)) as dbt_valid_to\(deleted)
            from (
            \(body)
            ) sbq
            """)
        return MaterializationResult(message: "SNAPSHOT \(result.affectedRows ?? 0) rows (new)", rowsAffected: result.affectedRows)
    }

    private func update(_ strategy: Strategy, target: String) throws -> MaterializationResult {
        let key = "jsonb_build_array(" + strategy.keys.joined(separator: ", ") + ")"
        try connection.execute("drop table if exists rops_snapshot_source, rops_snapshot_current")
        try connection.execute("create temporary table rops_snapshot_source on commit drop as select *, \(key) as rops_unique_key from (\n\(body)\n) sbq")
        let sourceColumns = try columns(of: "rops_snapshot_source").filter { $0.name != "rops_unique_key" }
        // Columns the query gained since the snapshot was made are added (dbt does the same).
        let existing = Set(try columns(of: target).map(\.name))
        for column in sourceColumns where !existing.contains(column.name) {
            try connection.execute("alter table \(target) add column \(SQLText.identifier(column.name)) \(column.type)")
        }
        let newRecord = strategy.hardDeletes == "new_record"
        if newRecord && !existing.contains("dbt_is_deleted") {
            try connection.execute("alter table \(target) add column dbt_is_deleted text default 'False'")
        }
        try connection.execute("""
            create temporary table rops_snapshot_current on commit drop as
            select *, \(key) as rops_unique_key from \(target) where dbt_valid_to is null
            """)
        let changed = "(" + rowChanged(strategy, columns: sourceColumns.map(\.name)) + (newRecord ? " or c.dbt_is_deleted = 'True'" : "") + ")"
        let updatedAt = strategy.isCheck && strategy.updatedAt == Self.snapshotTime ? Self.snapshotTime : "s.\(strategy.updatedAt)"
        // Updates: the current row of a key that changed ends where the new version starts.
        let updated = try connection.execute("""
            update \(target) t set dbt_valid_to = u.valid_to
            from (select c.dbt_scd_id, \(updatedAt) as valid_to
                  from rops_snapshot_current c join rops_snapshot_source s on c.rops_unique_key = s.rops_unique_key
                  where \(changed)) u
            where t.dbt_scd_id = u.dbt_scd_id and t.dbt_valid_to is null
            """).affectedRows ?? 0
        var deleted = 0
        let gone = "not exists (select 1 from rops_snapshot_source s where s.rops_unique_key = c.rops_unique_key)"
        let alreadyDeleted = newRecord ? " and not (c.dbt_is_deleted = 'True')" : ""
        if strategy.hardDeletes != "ignore" {
            deleted = try connection.execute("""
                update \(target) t set dbt_valid_to = \(Self.snapshotTime)
                from rops_snapshot_current c
                where t.dbt_scd_id = c.dbt_scd_id and t.dbt_valid_to is null and \(gone)\(alreadyDeleted)
                """).affectedRows ?? 0
        }
        // Insertions: keys the snapshot has no current row for, and new versions of changed ones.
        let names = sourceColumns.map { SQLText.identifier($0.name) }
        let scd = Self.hash(strategy.keys.map { "s.\($0)" } + [updatedAt])
        let inserted = try connection.execute("""
            insert into \(target) (\(names.joined(separator: ", ")), dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to\(newRecord ? ", dbt_is_deleted" : ""))
            select \(names.map { "s." + $0 }.joined(separator: ", ")), \(scd), \(updatedAt), \(updatedAt), null\(newRecord ? ", 'False'" : "")
            from rops_snapshot_source s
            left join rops_snapshot_current c on c.rops_unique_key = s.rops_unique_key
            where c.rops_unique_key is null or \(changed)
            """).affectedRows ?? 0
        if newRecord {
            // A deletion is a version of its own, marked dbt_is_deleted = 'True'.
            let snapshotted = Set(try columns(of: target).map(\.name))
            let copied = sourceColumns.filter { snapshotted.contains($0.name) }.map { SQLText.identifier($0.name) }
            try connection.execute("""
                insert into \(target) (\(copied.joined(separator: ", ")), dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted)
                select \(copied.map { "c." + $0 }.joined(separator: ", ")), \(Self.hash(["c.dbt_scd_id", Self.snapshotTime])),
                       \(Self.snapshotTime), \(Self.snapshotTime), null, 'True'
                from rops_snapshot_current c where \(gone)\(alreadyDeleted)
                """)
        }
        return MaterializationResult(message: "SNAPSHOT \(inserted) new version\(inserted == 1 ? "" : "s"), \(updated) closed, \(deleted) deleted",
                                     rowsAffected: inserted)
    }

    /// dbt's row_changed: `timestamp`, the snapshot's row is older than the query's; `check`, a
    /// checked column differs (null and a value count as different).
    private func rowChanged(_ strategy: Strategy, columns: [String]) -> String {
        guard strategy.isCheck else { return "c.dbt_valid_from < s.\(strategy.updatedAt)" }
        let keys = Set(strategy.keys)
        let checked = (strategy.checkColumns ?? columns.filter { !keys.contains($0) }).map { column -> String in
            let c = "c.\(column)", s = "s.\(column)"
            return "\(c) != \(s) or (\(c) is null and not \(s) is null) or (not \(c) is null and \(s) is null)"
        }
        return checked.isEmpty ? "false" : checked.joined(separator: " or ")
    }

    private func columns(of relation: String) throws -> [(name: String, type: String)] {
        try CatalogColumns.of(relation, on: connection)
    }
}
