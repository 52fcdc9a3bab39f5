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

    /// The config as plain JSON-like values, for manifest.json.
    public var json: [String: Any] {
        var out: [String: Any] = [:]
        for (key, value) in values { out[key] = JSONExport.any(value) }
        return out
    }
}

public struct IndexSpec: Sendable, Equatable {
    public let columns: [String]
    public let unique: Bool
    public let method: String
}

/// Template values as Foundation JSON objects.
public enum JSONExport {
    public static func any(_ value: Value) -> Any {
        switch value {
        case .none, .undefined: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .list(let l): return l.items.map(any)
        case .tuple(let t): return t.map(any)
        case .dict(let d):
            var out: [String: Any] = [:]
            for (k, v) in d.pairs { out[k.stringValue ?? "\(k)"] = any(v) }
            return out
        case .function(let f): return "<function \(f.name)>"
        case .object(let o): return o.rendered ?? o.typeName
        }
    }
}
