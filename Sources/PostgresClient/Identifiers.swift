/// Quoting for the few places where SQL text must be built: identifiers in DDL, and literals in
/// utility statements that PostgreSQL cannot parameterise (`CREATE ROLE … PASSWORD`).
public enum SQLText {
    /// `my "table"` → `"my ""table"""`.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `schema`, `name` → `"schema"."name"`.
    public static func qualified(_ schema: String, _ name: String) -> String {
        identifier(schema) + "." + identifier(name)
    }

    /// A string literal for servers with `standard_conforming_strings = on` (the default since 9.1).
    /// Throws for NUL, which no PostgreSQL text value can hold.
    public static func literal(_ value: String) throws -> String {
        if value.utf8.contains(0) {
            throw PostgresError(kind: .client, message: "a text value contains a NUL byte, which PostgreSQL cannot store")
        }
        return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
