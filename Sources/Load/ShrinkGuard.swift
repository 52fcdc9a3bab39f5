import Foundation
import PostgresClient

/// A full load must not quietly replace a table with a fraction of its rows: a header-only or
/// half-written file would otherwise wipe the data every model reads.
public enum ShrinkGuard {
    /// The new data may have no fewer than this share of the old rows.
    public static let smallestShare = 0.5

    public struct Refused: Error, CustomStringConvertible {
        public let relation: String
        public let oldRows: Int
        public let newRows: Int
        public let files: [String]
        public var description: String {
            let drop = oldRows > 0 ? Int((Double(oldRows - newRows) / Double(oldRows) * 100).rounded()) : 0
            return "\(files.joined(separator: ", ")): \(newRows) rows would replace the \(oldRows) of \(relation) (-\(drop)%), "
                + "so the load was refused and the table keeps its rows; run `rops load --allow-shrink` if that is intended"
        }
    }

    static func check(_ connection: PostgresConnection, relation: String, newRows: Int, files: [String]) throws {
        let oldRows = try rows(of: relation, connection)
        if oldRows > 0 && Double(newRows) < Double(oldRows) * smallestShare {
            throw Refused(relation: relation.replacingOccurrences(of: "\"", with: ""), oldRows: oldRows, newRows: newRows, files: files)
        }
    }

    /// The planner's count (exact after the ANALYZE every load ends with), else a real count for a
    /// table never analysed; 0 when there is no table.
    private static func rows(of relation: String, _ connection: PostgresConnection) throws -> Int {
        guard let estimate = try connection.query("select reltuples::float8 as rows from pg_class where oid = to_regclass($1)", [relation]).first?["rows"].double else {
            return 0
        }
        if estimate >= 0 { return Int(estimate) }
        return try connection.query("select count(*)::bigint as rows from \(relation)")[0]["rows"].int ?? 0
    }
}
