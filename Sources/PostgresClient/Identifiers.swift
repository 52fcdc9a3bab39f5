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

extension SQLText {
    /// `name` + `suffix`, with `name` cut (and a hash of it added) so the whole stays within
    /// PostgreSQL's 63-byte identifiers instead of being truncated silently by the server.
    public static func truncated(_ name: String, keeping suffix: String = "") -> String {
        let limit = 63 - suffix.utf8.count
        var base = name
        if base.utf8.count > limit {
            let hash = String(Checksum.fnv64(name).prefix(8))
            while base.utf8.count > limit - 9 { base.removeLast() }
            base += "_" + hash
        }
        return base + suffix
    }
}

/// A fast, stable, non-cryptographic fingerprint of text (FNV-1a, 64 bits, as 16 hex digits).
public enum Checksum {
    public static func fnv64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
