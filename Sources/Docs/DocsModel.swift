import Foundation
import Graph
import Project

/// What the docs show about one node, gathered from the compiled project.
public struct DocNode: Sendable {
    public let id: String
    public let name: String
    /// `model`, `source`, `seed`.
    public let kind: String
    /// The first folder (`staging`, `intermediate`, …), `sources` or `seeds`.
    public let layer: String
    public let path: String
    public let description: String
    public let materialized: String
    public let relation: String
    public let rawSQL: String
    public let compiledSQL: String
    public let columns: [(name: String, description: String, dataType: String?, tests: [String])]
    public let tests: [String]
    public let tags: [String]
    /// Column-level lineage: each output column and the upstream node columns it comes from.
    public var lineage: [(column: String, origins: [(id: String, column: String)])] = []

    /// The page's file name: safe for any node id.
    public var page: String {
        id.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" ? String($0) : "_" }.joined() + ".html"
    }
}

/// Column types and sizes read from the database (absent when it is not reachable).
public struct CatalogEntry: Sendable {
    public let columns: [(name: String, type: String)]
    public let rows: Int?
    public let bytes: Int?
}

public struct DocsInput: Sendable {
    public let projectName: String
    public let nodes: [DocNode]
    public let graph: DependencyGraph
    public let catalog: [String: CatalogEntry]
    /// Last run status per node id (`success`, `error`, `skipped`) and when.
    public let lastRun: [String: (status: String, at: String)]
    /// The project's `{% docs __overview__ %}` block: the front page's introduction, as in dbt.
    public let overview: String?

    public init(projectName: String, nodes: [DocNode], graph: DependencyGraph, catalog: [String: CatalogEntry],
                lastRun: [String: (status: String, at: String)], overview: String? = nil) {
        self.overview = overview
        self.projectName = projectName
        self.nodes = nodes
        self.graph = graph
        self.catalog = catalog
        self.lastRun = lastRun
    }

    /// Adds column-level lineage to the models whose SQL the tracer can follow, in build order, so
    /// a model's traced columns are known before its children are traced.
    public static func withColumnLineage(_ nodes: [DocNode], graph: DependencyGraph, catalog: [String: CatalogEntry]) -> [DocNode] {
        var byRelation: [String: Int] = [:]
        for (i, node) in nodes.enumerated() { byRelation[node.relation] = i }
        var result = nodes
        var known: [String: [String]] = [:]
        for node in nodes {
            if let entry = catalog[node.relation] { known[node.relation] = entry.columns.map(\.name) }
            else if !node.columns.isEmpty { known[node.relation] = node.columns.map(\.name) }
        }
        let position = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.id, $0) })
        for id in graph.order {
            guard let i = position[id], result[i].kind == "model", !result[i].compiledSQL.isEmpty else { continue }
            let traced = ColumnLineage.trace(sql: result[i].compiledSQL, columnsOf: { known[$0] })
            guard !traced.isEmpty else { continue }
            result[i].lineage = traced.map { column, origins in
                (column, origins.map { origin in (byRelation[origin.relation].map { nodes[$0].id } ?? origin.relation, origin.column) })
            }
            if known[result[i].relation] == nil { known[result[i].relation] = traced.map(\.column) }
        }
        return result
    }

    /// Nodes from the compiled project: models, sources and seeds.
    public static func nodes(project: Project, compiler: ProjectCompiler) -> [DocNode] {
        func testNames(_ specs: [TestSpec]) -> [String] { specs.map(\.testName) }
        let describe = compiler.description
        var nodes: [DocNode] = compiler.compiled.values.sorted { $0.name < $1.name }.map { model in
            DocNode(id: model.uniqueId, name: model.name, kind: "model", layer: model.model.layer.isEmpty ? "models" : model.model.layer,
                    path: model.model.path, description: describe(model.model.description), materialized: model.materialized,
                    relation: model.relation, rawSQL: model.model.rawSQL, compiledSQL: model.compiledSQL,
                    columns: model.model.columns.map { ($0.name, describe($0.description), $0.dataType, testNames($0.tests)) },
                    tests: testNames(model.model.tests), tags: model.config.tags)
        }
        nodes += project.sources.map { source in
            DocNode(id: source.uniqueId, name: "\(source.sourceName).\(source.name)", kind: "source", layer: "sources", path: source.file,
                    description: describe(source.description), materialized: "source", relation: Relation.quoted(source.schema, source.identifier),
                    rawSQL: "", compiledSQL: "", columns: source.columns.map { ($0.name, describe($0.description), $0.dataType, testNames($0.tests)) },
                    tests: testNames(source.tests), tags: [])
        }
        nodes += project.seeds.map { seed in
            let placement = compiler.seedPlacements[seed.name]
            return DocNode(id: seed.uniqueId, name: seed.name, kind: "seed", layer: "seeds", path: seed.path, description: describe(seed.description),
                           materialized: "seed", relation: placement.map { Relation.quoted($0.schema, $0.identifier) } ?? seed.name,
                           rawSQL: "", compiledSQL: "", columns: seed.columns.map { ($0.name, describe($0.description), $0.dataType, testNames($0.tests)) },
                           tests: testNames(seed.tests), tags: seed.config.tags)
        }
        return nodes
    }
}
