import Foundation
import Project

/// `package-lock.yml` as dbt-core 1.10 writes it: the installed packages, pinned, and `sha1_hash`,
/// dbt's hash of the declared entries (so either tool sees whether the lock matches packages.yml).
enum PackageLock {
    static func write(entries: [[(String, String)]], declared: [PackageRequirement], to path: String) throws {
        var text = "packages:\n"
        for entry in entries {
            for (position, (key, value)) in entry.enumerated() {
                text += (position == 0 ? "- " : "  ") + "\(key): \(yamlScalar(value))\n"
            }
        }
        text += "sha1_hash: \(hash(declared))\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// dbt's `_create_sha1_hash`: each entry as `json.dumps({**entry, "unrendered": entry}, sort_keys=True)`,
    /// sorted, joined by newlines.
    static func hash(_ declared: [PackageRequirement]) -> String {
        let lines = declared.map { requirement -> String in
            let fields = requirement.written.map { ($0.0, json($0.0, $0.1)) }
            let inner = "{" + fields.sorted { $0.0 < $1.0 }.map { "\(jsonString($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
            let outer = (fields + [("unrendered", inner)]).sorted { $0.0 < $1.0 }
            return "{" + outer.map { "\(jsonString($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        return Digest.sha1(lines.sorted().joined(separator: "\n"))
    }

    /// A written value in JSON: version lists as arrays, the rest as strings.
    private static func json(_ key: String, _ value: String) -> String {
        if value.contains("\u{0}") || key == "version" && value.isEmpty {
            return "[" + value.split(separator: "\u{0}").map { jsonString(String($0)) }.joined(separator: ", ") + "]"
        }
        return jsonString(value)
    }

    /// Python's `json.dumps` of a string: ASCII only, `\uXXXX` for the rest.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5c: out += "\\\\"
            case 0x0a: out += "\\n"
            case 0x0d: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0c: out += "\\f"
            case 0x20..<0x7f: out += String(UnicodeScalar(UInt8(unit)))
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }

    private static func yamlScalar(_ value: String) -> String {
        let plain = value.range(of: #"^[A-Za-z0-9_./][A-Za-z0-9_./:@+-]*$"#, options: .regularExpression) != nil
            && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(value.lowercased())
            && Double(value) == nil
        return plain ? value : "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
