import Foundation
import PostgresClient
import Project

/// Reads column types, estimated row counts and sizes of the project's relations.
public enum CatalogReader {
    public static func read(_ connection: PostgresConnection, schemas: [String]) throws -> [String: CatalogEntry] {
        let rows = try connection.query("""
            select n.nspname as schema, c.relname as name, a.attname as column_name,
                   format_type(a.atttypid, a.atttypmod) as type, c.reltuples::bigint as estimated_rows,
                   pg_total_relation_size(c.oid) as bytes
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            where c.relkind in ('r', 'v', 'm', 'p', 'f') and n.nspname = any($1::text[])
            order by n.nspname, c.relname, a.attnum
            """, ["{" + schemas.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"])
        var columns: [String: [(String, String)]] = [:]
        var sizes: [String: (Int?, Int?)] = [:]
        for row in rows {
            let relation = Relation.quoted(row["schema"].string!, row["name"].string!)
            columns[relation, default: []].append((row["column_name"].string!, row["type"].string ?? ""))
            let estimate = row["estimated_rows"].int
            sizes[relation] = (estimate.flatMap { $0 >= 0 ? $0 : nil }, row["bytes"].int)
        }
        return columns.reduce(into: [:]) { result, item in
            result[item.key] = CatalogEntry(columns: item.value.map { (name: $0.0, type: $0.1) }, rows: sizes[item.key]?.0, bytes: sizes[item.key]?.1)
        }
    }

    public static func json(_ catalog: [String: CatalogEntry], nodes: [DocNode]) -> JSONValue {
        .object([
            ("metadata", .object([("generator", .string("rops"))])),
            ("nodes", .object(nodes.compactMap { node in
                guard let entry = catalog[node.relation] else { return nil }
                return (node.id, .object([
                    ("unique_id", .string(node.id)), ("relation_name", .string(node.relation)),
                    ("stats", .object([("row_count_estimate", entry.rows.map { .int($0) } ?? .null), ("bytes", entry.bytes.map { .int($0) } ?? .null)])),
                    ("columns", .object(entry.columns.enumerated().map { index, column in
                        (column.name, .object([("name", .string(column.name)), ("type", .string(column.type)), ("index", .int(index + 1))]))
                    })),
                ]))
            })),
        ])
    }
}

