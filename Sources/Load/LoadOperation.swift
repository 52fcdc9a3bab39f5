import Foundation
import PostgresClient
import Project

/// What happened to one source in a load. (Unchecked: errors are values that are never mutated.)
public enum LoadOutcome: @unchecked Sendable {
    case loaded(SourceLoadResult)
    case failed(source: String, error: Error)
}

/// Hears a load's progress as it happens (from the loading threads).
public protocol LoadDelegate: Sendable {
    func progress(_ progress: LoadProgress)
    func loaded(_ result: SourceLoadResult)
    func failed(source: String, error: Error)
}

/// `rops load`: every source's files into its raw table, `threads` sources at a time, each on a
/// connection of its own. Schemas and `rops_meta.loads` are made first from one connection
/// (concurrent CREATE SCHEMA IF NOT EXISTS can collide).
public struct LoadOperation {
    public var specs: [LoadSpec]
    public var projectRoot: String
    public var append = false
    public var allowShrink = false

    public init(specs: [LoadSpec], projectRoot: String) {
        self.specs = specs
        self.projectRoot = projectRoot
    }

    public func run(threads: Int, connect: @escaping @Sendable () throws -> PostgresConnection,
                    delegate: LoadDelegate) throws -> [LoadOutcome] {
        let setup = try connect()
        try LoadMetadata.ensure(setup)
        for schema in Set(specs.map(\.source.schema)).sorted() {
            try setup.execute("create schema if not exists \(SQLText.identifier(schema))")
        }
        let queue = WorkQueue(specs)
        let outcomes = ResultList<LoadOutcome>()
        let (projectRoot, append, allowShrink) = (self.projectRoot, self.append, self.allowShrink)
        try WorkerPool.run(workers: min(threads, specs.count), connect: connect, next: {
            ActiveConnections.shared.isInterrupted ? nil : queue.next()
        }, work: { spec, connection in
            do {
                let result = try SourceLoader(spec: spec, projectRoot: projectRoot, connection: connection, append: append,
                                              allowShrink: allowShrink, progress: { delegate.progress($0) }).run()
                delegate.loaded(result)
                outcomes.add(.loaded(result))
            } catch {
                let name = "\(spec.source.sourceName).\(spec.source.name)"
                delegate.failed(source: name, error: error)
                outcomes.add(.failed(source: name, error: error))
            }
        }, connectionFailed: { _ in queue.stop() })
        return outcomes.all
    }
}
