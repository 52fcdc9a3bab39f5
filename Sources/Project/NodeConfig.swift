import Foundation
import Template

/// A model's or seed's configuration, merged from project defaults < YAML `config:` < `{{ config() }}`.
public struct NodeConfig: Sendable {
    public private(set) var values: [String: Value] = [:]

    /// Every config key rops understands (dbt spellings with dashes are normalised to underscores).
    public static let knownKeys: Set<String> = [
        "materialized", "schema", "alias", "database", "tags", "enabled", "pre_hook", "post_hook", "unique_key",
        "indexes", "grants", "full_refresh", "on_schema_change", "incremental_strategy", "persist_docs", "docs",
        "meta", "contract", "quoting", "sql_header", "column_types", "quote_columns", "delimiter", "group", "access",
        "severity", "store_failures", "where", "limit", "warn_if", "error_if", "fail_calc", "description", "labels",
        "transient", "bind", "on_configuration_change", "packages",
        // Microbatch (dbt 1.9) and rops' own.
        "event_time", "batch_size", "lookback", "begin", "concurrent_batches", "skip_unchanged",
        // Citus: how a table is spread over the nodes.
        "distributed_by", "colocate_with", "shard_count", "reference",
        // Snapshots.
        "target_schema", "target_database", "strategy", "updated_at", "check_cols", "hard_deletes", "invalidate_hard_deletes",
        "dbt_valid_to_current", "snapshot_meta_column_names",
    ]

    /// Keys whose values add up along the precedence chain instead of replacing each other.
    static let additiveKeys: Set<String> = ["tags", "pre_hook", "post_hook"]

    public init() {}

    public static func normalise(_ key: String) -> String {
        var key = key
        if key.hasPrefix("+") { key.removeFirst() }
        return key.replacingOccurrences(of: "-", with: "_")
    }

    public mutating func set(_ key: String, _ value: Value) {
        let key = NodeConfig.normalise(key)
        if NodeConfig.additiveKeys.contains(key), let existing = values[key] {
            values[key] = .list(NodeConfig.list(existing) + NodeConfig.list(value))
        } else {
            values[key] = value
        }
    }

    /// Sets `key` to `value`, replacing what is there (also for additive keys).
    public mutating func replace(_ key: String, _ value: Value) { values[NodeConfig.normalise(key)] = value }

    public mutating func merge(_ other: [(String, Value)]) {
        for (key, value) in other { set(key, value) }
    }

    public subscript(key: String) -> Value? { values[NodeConfig.normalise(key)] }

    static func list(_ value: Value) -> [Value] {
        switch value {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .none, .undefined: return []
        default: return [value]
        }
    }

    public static func stringList(_ value: Value?) -> [String] { strings(value) }

    static func strings(_ value: Value?) -> [String] {
        guard let value else { return [] }
        return list(value).compactMap { $0.stringValue }
    }

    public var materialized: String { values["materialized"]?.stringValue ?? "view" }
    public var schema: String? { values["schema"]?.stringValue }
    public var alias: String? { values["alias"]?.stringValue }
    public var tags: [String] { Array(Set(NodeConfig.strings(values["tags"]))).sorted() }
    public var enabled: Bool { values["enabled"]?.truthy ?? true }
    public var uniqueKey: [String] { NodeConfig.strings(values["unique_key"]) }
    public var preHooks: [String] { NodeConfig.strings(values["pre_hook"]) }
    public var postHooks: [String] { NodeConfig.strings(values["post_hook"]) }
    public var fullRefresh: Bool? { values["full_refresh"].flatMap { $0.isNone ? nil : $0.truthy } }
    public var incrementalStrategy: String { values["incremental_strategy"]?.stringValue ?? "delete+insert" }

    /// `indexes: [{columns: [a, b], unique: true, type: btree}]`, as dbt-postgres writes them.
    public var indexes: [IndexSpec] {
        NodeConfig.list(values["indexes"] ?? .none).compactMap { item in
            guard case .dict(let d) = item else { return nil }
            let columns = NodeConfig.strings(d.get("columns"))
            guard !columns.isEmpty else { return nil }
            return IndexSpec(columns: columns, unique: d.get("unique")?.truthy ?? false,
                             method: d.get("type")?.stringValue ?? "btree")
        }
    }

    /// `grants: {select: [role_a, role_b]}`.
    public var grants: [(privilege: String, roles: [String])] {
        guard case .dict(let d)? = values["grants"] else { return [] }
        return d.pairs.compactMap { key, value in key.stringValue.map { ($0, NodeConfig.strings(value)) } }
    }

    /// The config as JSON, for manifest.json.
    public var json: JSONValue { .object(values.map { ($0.key, JSONValue(template: $0.value)) }) }
}

public struct IndexSpec: Sendable, Equatable {
    public let columns: [String]
    public let unique: Bool
    public let method: String
}

/// JSON built with types (no `Any`): artifacts are written fast and key order is stable.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public init(template value: Value) {
        switch value {
        case .none, .undefined: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .list(let l): self = .array(l.items.map(JSONValue.init(template:)))
        case .tuple(let t): self = .array(t.map(JSONValue.init(template:)))
        case .dict(let d): self = .object(d.pairs.map { ($0.0.displayString, JSONValue(template: $0.1)) })
        case .function(let f): self = .string("<function \(f.name)>")
        case .object(let o): self = .string(o.rendered ?? o.typeName)
        }
    }

    public static func strings(_ items: [String]) -> JSONValue { .array(items.map { .string($0) }) }
    public static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// Pretty-printed text, object keys sorted by code point.
    public func text() -> String {
        var out = ""
        write(indent: 0, into: &out)
        return out + "\n"
    }

    /// One line, as Python's `json.dumps` writes it (dbt's `tojson`): `{"a": 1, "b": [1, 2]}`, keys in order.
    public func compactText() -> String {
        switch self {
        case .array(let items): return "[" + items.map { $0.compactText() }.joined(separator: ", ") + "]"
        case .object(let pairs):
            return "{" + pairs.map { pair -> String in
                var key = ""
                Self.quote(pair.0, into: &key)
                return key + ": " + pair.1.compactText()
            }.joined(separator: ", ") + "}"
        default:
            var out = ""
            write(indent: 0, into: &out)
            return out
        }
    }

    private func write(indent: Int, into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                out += (i == 0 ? "\n" : ",\n") + String(repeating: " ", count: indent + 2)
                item.write(indent: indent + 2, into: &out)
            }
            out += "\n" + String(repeating: " ", count: indent) + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            let sorted = pairs.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }
            for (i, (key, item)) in sorted.enumerated() {
                out += (i == 0 ? "\n" : ",\n") + String(repeating: " ", count: indent + 2)
                Self.quote(key, into: &out)
                out += ": "
                item.write(indent: indent + 2, into: &out)
            }
            out += "\n" + String(repeating: " ", count: indent) + "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += JSONString.quote(s, asciiOnly: false)
    }
}
