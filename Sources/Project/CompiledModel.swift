import Foundation
import Template

/// A model after compilation: its final config, where it is built, what it depends on, its SQL.
public struct CompiledModel: @unchecked Sendable {
    public let model: ModelNode
    public let config: NodeConfig
    public let materialization: Materialization
    public let schema: String
    public let identifier: String
    /// Models and seeds this one `ref()`s, by name.
    public let refs: [String]
    /// The refs that name seeds.
    public let seedRefs: Set<String>
    /// Sources this one reads, as unique ids `source.<source>.<table>`.
    public let sources: [String]
    public var compiledSQL: String

    public var name: String { model.name }
    public var materialized: String { materialization.rawValue }
    public var relation: String { Relation.quoted(schema, identifier) }
    public var uniqueId: String { model.uniqueId }
    public var dependsOn: [String] { refs.map { seedRefs.contains($0) ? NodeID.seed($0) : NodeID.model($0) } + sources }
}
