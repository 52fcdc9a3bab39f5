import Foundation

/// The Citus extension in the connected database, if any: which version, and the nodes the
/// coordinator knows. rops distributes tables only where this is present.
public struct CitusInfo: Sendable, Equatable {
    public let version: String
    /// Primary nodes in `pg_dist_node` (the coordinator too, when it is in the metadata).
    public let nodes: Int
    /// Of those, the ones that hold shards of distributed tables.
    public let workers: Int

    /// Nil when the database has no `citus` extension (plain PostgreSQL).
    public static func detect(_ connection: PostgresConnection) throws -> CitusInfo? {
        guard let version = try connection.query("select extversion from pg_extension where extname = 'citus'").first?["extversion"].string else {
            return nil
        }
        let counts = try connection.query("""
            select count(*)::int as nodes, (count(*) filter (where shouldhaveshards))::int as workers
            from pg_dist_node where noderole = 'primary' and isactive
            """)[0]
        return CitusInfo(version: version, nodes: counts["nodes"].int ?? 0, workers: counts["workers"].int ?? 0)
    }

    public var description: String { "Citus \(version), \(nodes) node(s), \(workers) holding shards" }
}
