import Foundation
import Graph
import PostgresClient
import Project
import Template

/// `rops source freshness`: for each source table with `freshness:`, the newest `loaded_at_field`
/// (under its `filter`), else the loader's last successful load in `rops_meta.loads`, against
/// `warn_after` / `error_after`; written to `target/sources.json` in dbt-core's format.
public struct FreshnessOperation {
    public struct Result: Sendable {
        public enum Status: String, Sendable { case pass, warn, error, runtimeError = "runtime error" }
        public let source: SourceTable
        public let status: Status
        public let maxLoadedAt: Date?
        public let snapshottedAt: Date
        public let ageSeconds: Double?
        public let message: String
        public let seconds: Double
    }

    let projectRoot: String
    let database: DatabaseSession

    public init(projectRoot: String, database: DatabaseSession) {
        self.projectRoot = projectRoot
        self.database = database
    }

    public func run(selection: SelectionOptions, report: (Result) -> Void) throws -> [Result] {
        let start = Date()
        var context = CompileContext()
        context.database = database.targetDatabase
        context.command = "source"
        let session = try ProjectSession(root: projectRoot, context: context)
        let chosen = selection.select.isEmpty && selection.exclude.isEmpty ? nil : Set(try session.selected(selection, resourceTypes: [.source]))
        let tables = session.project.sources.filter { $0.freshness != nil && (chosen?.contains($0.uniqueId) ?? true) }
        let connection = try database.connect()
        var results: [Result] = []
        for table in tables {
            let result = check(table, relation: session.compiler.sourceRelationName(table), on: connection)
            report(result)
            results.append(result)
        }
        try Artifacts.write(Self.json(results, elapsed: Date().timeIntervalSince(start)), to: session.targetPath + "/sources.json")
        return results
    }

    private func check(_ table: SourceTable, relation: String, on connection: PostgresConnection) -> Result {
        let start = Date()
        let freshness = table.freshness!
        do {
            let row: Row
            if let field = table.loadedAtField {
                row = try connection.query("""
                    select extract(epoch from max(\(field)))::float8 as loaded, extract(epoch from now())::float8 as now
                    from \(relation)\(freshness.filter.map { " where \($0)" } ?? "")
                    """)[0]
            } else {
                let present = try connection.query("select to_regclass('rops_meta.loads') is not null as p")[0]["p"].bool ?? false
                guard present else {
                    return Result(source: table, status: .runtimeError, maxLoadedAt: nil, snapshottedAt: Date(), ageSeconds: nil,
                                  message: "no loaded_at_field, and rops has loaded nothing into this database (rops_meta.loads is missing)",
                                  seconds: Date().timeIntervalSince(start))
                }
                row = try connection.query("""
                    select extract(epoch from max(finished_at))::float8 as loaded, extract(epoch from now())::float8 as now
                    from rops_meta.loads where table_name = $1 and status = 'ok'
                    """, [table.schema + "." + table.identifier])[0]
            }
            let now = Date(timeIntervalSince1970: row["now"].double ?? Date().timeIntervalSince1970)
            guard let loaded = row["loaded"].double.map(Date.init(timeIntervalSince1970:)) else {
                return Result(source: table, status: .error, maxLoadedAt: nil, snapshottedAt: now, ageSeconds: nil,
                              message: table.loadedAtField == nil ? "never loaded (no row in rops_meta.loads)" : "no rows: max(\(table.loadedAtField!)) is null",
                              seconds: Date().timeIntervalSince(start))
            }
            let age = now.timeIntervalSince(loaded)
            let status: Result.Status = freshness.errorAfter.map { age > $0.seconds } == true ? .error
                : freshness.warnAfter.map { age > $0.seconds } == true ? .warn : .pass
            return Result(source: table, status: status, maxLoadedAt: loaded, snapshottedAt: now, ageSeconds: age,
                          message: "loaded \(Self.describe(age)) ago", seconds: Date().timeIntervalSince(start))
        } catch {
            return Result(source: table, status: .runtimeError, maxLoadedAt: nil, snapshottedAt: Date(), ageSeconds: nil,
                          message: "\(table.file): \(error)", seconds: Date().timeIntervalSince(start))
        }
    }

    private static func entry(_ result: Result, formatter: ISO8601DateFormatter, limit: (SourceFreshness.Limit?) -> JSONValue) -> JSONValue {
        let freshness = result.source.freshness
        let criteria: JSONValue = .object([("warn_after", limit(freshness?.warnAfter)), ("error_after", limit(freshness?.errorAfter)),
                                           ("filter", freshness?.filter.map(JSONValue.string) ?? .null)])
        let maxLoadedAt: JSONValue = result.maxLoadedAt.map { .string(formatter.string(from: $0)) } ?? .null
        let age: JSONValue = result.ageSeconds.map { .double($0) } ?? .null
        return .object([
            ("unique_id", .string(result.source.uniqueId)), ("max_loaded_at", maxLoadedAt),
            ("snapshotted_at", .string(formatter.string(from: result.snapshottedAt))), ("max_loaded_at_time_ago_in_s", age),
            ("status", .string(result.status.rawValue)), ("criteria", criteria), ("execution_time", .double(result.seconds)),
            ("message", .string(result.message)),
        ])
    }

    static func describe(_ seconds: Double) -> String {
        switch seconds {
        case ..<120: return String(format: "%.0f s", seconds)
        case ..<7_200: return String(format: "%.0f min", seconds / 60)
        case ..<172_800: return String(format: "%.1f h", seconds / 3_600)
        default: return String(format: "%.0f days", seconds / 86_400)
        }
    }

    static func json(_ results: [Result], elapsed: Double) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func limit(_ limit: SourceFreshness.Limit?) -> JSONValue {
            guard let limit else { return .object([("count", .null), ("period", .null)]) }
            return .object([("count", .int(limit.count)), ("period", .string(limit.period))])
        }
        return .object([
            ("metadata", .object([("dbt_schema_version", .string("https://schemas.getdbt.com/dbt/sources/v3.json")),
                                  ("generated_at", .string(formatter.string(from: Date()))), ("generator", .string("rops"))])),
            ("results", .array(results.map { entry($0, formatter: formatter, limit: limit) })),
            ("elapsed_time", .double(elapsed)),
        ])
    }
}
