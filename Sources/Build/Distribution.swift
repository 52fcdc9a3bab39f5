import Foundation
import PostgresClient
import Project
import Template

/// How a model's table is spread over a Citus cluster: `distributed_by: <column>` (with
/// `colocate_with` and `shard_count`) or `reference: true` (a full copy on every node). On plain
/// PostgreSQL the same configs change nothing, so one project builds on both.
public struct TableDistribution: Equatable, Sendable {
    enum Kind: Equatable {
        case distributed(column: String, colocateWith: String?, shardCount: Int?)
        case reference
    }
    let kind: Kind

    /// The model's distribution config, checked; nil when it has none.
    public static func of(_ config: NodeConfig, file: String) throws -> TableDistribution? {
        let column = config["distributed_by"].flatMap { $0.isNone ? nil : $0 }
        let reference = config["reference"]?.truthy ?? false
        let colocate = config["colocate_with"].flatMap { $0.isNone ? nil : $0 }
        let shards = config["shard_count"].flatMap { $0.isNone ? nil : $0 }
        if column == nil, !reference {
            if colocate != nil || shards != nil {
                throw ProjectError(file: file, message: "`colocate_with` and `shard_count` need `distributed_by: <column>`")
            }
            return nil
        }
        if reference {
            guard column == nil, colocate == nil, shards == nil else {
                throw ProjectError(file: file, message: "`reference: true` copies the table to every node; it takes no `distributed_by`, `colocate_with` or `shard_count`")
            }
            return TableDistribution(kind: .reference)
        }
        guard let name = column?.stringValue, !name.isEmpty else {
            throw ProjectError(file: file, message: "`distributed_by` names one column, e.g. distributed_by: client_id")
        }
        var count: Int?
        if let shards {
            guard case .int(let n) = shards, n > 0 else {
                throw ProjectError(file: file, message: "`shard_count` is a positive whole number, not \(shards.stringValue ?? "that")")
            }
            count = n
        }
        return TableDistribution(kind: .distributed(column: name, colocateWith: colocate?.stringValue, shardCount: count))
    }

    var column: String? {
        if case .distributed(let column, _, _) = kind { return column }
        return nil
    }

    /// Turns the empty table `relation` into a distributed or reference table (arguments bound).
    /// `colocateWith` overrides the config: an incremental run's staging table sits with its target.
    public func apply(to relation: String, colocateWith override: String? = nil, on connection: PostgresConnection) throws {
        switch kind {
        case .reference:
            try connection.query("select create_reference_table($1::regclass)", [relation])
        case .distributed(let column, let colocateWith, let shardCount):
            let colocate = override ?? colocateWith ?? "default"
            if let shardCount, override == nil {
                try connection.query("select create_distributed_table($1::regclass, $2, colocate_with => $3, shard_count => $4::int)",
                                     [relation, column, colocate, String(shardCount)])
            } else {
                try connection.query("select create_distributed_table($1::regclass, $2, colocate_with => $3)", [relation, column, colocate])
            }
        }
    }

    /// Citus keeps a unique index per shard, so it can only promise uniqueness over columns that
    /// include the distribution column; and it merges only on keys that include it.
    func checkKeys(_ model: CompiledModel) throws {
        guard let column else { return }
        for index in model.config.indexes where index.unique && !index.columns.contains(column) {
            throw ProjectError(file: model.model.path, message: "on Citus, the unique index (\(index.columns.joined(separator: ", "))) of a table distributed by \(column) must include \(column): Citus checks uniqueness within each shard")
        }
        let keys = model.config.uniqueKey
        if model.materialization == .incremental, !keys.isEmpty, !keys.contains(column) {
            throw ProjectError(file: model.model.path, message: "on Citus, `unique_key` (\(keys.joined(separator: ", "))) of a table distributed by \(column) must include \(column): rows are matched within their shard")
        }
    }
}
