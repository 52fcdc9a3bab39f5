import Docs
import Foundation
import Project

/// `rops docs generate`: manifest, catalog (when the database answers) and the static site.
public struct DocsOperation {
    let projectRoot: String
    let database: () throws -> DatabaseSession
    let readCatalog: Bool

    /// `database` is asked for only when the catalog is read, so a missing database never stops the docs.
    public init(projectRoot: String, readCatalog: Bool, database: @escaping () throws -> DatabaseSession) {
        self.projectRoot = projectRoot
        self.readCatalog = readCatalog
        self.database = database
    }

    public func run(delegate: OperationDelegate) throws -> (folder: String, pages: Int) {
        let session = try ProjectSession(root: projectRoot, context: CompileContext())
        let nodes = DocsInput.nodes(project: session.project, compiler: session.compiler)
        var catalog: [String: CatalogEntry] = [:]
        if readCatalog {
            do {
                let connection = try database().connect()
                catalog = try CatalogReader.read(connection, schemas: Self.schemas(of: nodes))
                try Artifacts.write(CatalogReader.json(catalog, nodes: nodes), to: session.targetPath + "/catalog.json")
            } catch {
                delegate.handle(.note("note: no catalog (\(Self.firstLine(error))); docs without column types and sizes"))
            }
        }
        try Artifacts.write(Artifacts.manifest(project: session.project, models: session.models, graph: session.graph,
                                               describe: session.compiler.description, macros: session.compiler.macroDependencies), to: session.targetPath + "/manifest.json")
        let traced = DocsInput.withColumnLineage(nodes, graph: session.graph, catalog: catalog)
        let input = DocsInput(projectName: session.project.file.name, nodes: traced, graph: session.graph, catalog: catalog,
                              lastRun: LastRun.read(session.targetPath + "/run_results.json"),
                              overview: session.project.docs["__overview__"]?.contents)
        let folder = session.targetPath + "/docs"
        let files = try SiteWriter(input: input, folder: folder).write()
        return (folder, files.count)
    }

    /// The schemas of the nodes' relations (`"schema"."name"`).
    static func schemas(of nodes: [DocNode]) -> [String] {
        Array(Set(nodes.compactMap { node -> String? in
            guard let dot = node.relation.range(of: "\".\"") else { return nil }
            return String(node.relation[node.relation.index(after: node.relation.startIndex)..<dot.lowerBound])
        })).sorted()
    }

    static func firstLine(_ error: Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? ""
    }
}
