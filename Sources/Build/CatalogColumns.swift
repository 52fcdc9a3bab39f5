import PostgresClient

/// A relation's columns and their types, in order, from the catalog; empty when it does not exist.
enum CatalogColumns {
    /// `relation` as SQL names it (`"schema"."table"`, or a temporary table's name).
    static func of(_ relation: String, on connection: PostgresConnection) throws -> [(name: String, type: String)] {
        try connection.query("""
            select a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
            where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum
            """, [relation]).map { ($0["name"].string ?? "", $0["type"].string ?? "text") }
    }
}
