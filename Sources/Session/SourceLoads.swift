import Foundation
import Load
import PostgresClient
import Project

/// What `rops load` is asked to do.
public struct LoadRequest: Sendable {
    /// `<source>.<table>`, `<table>` or `<source>`; empty: every source with a loader.
    public var select: [String] = []
    public var append = false
    public var allowShrink = false
    public var threads: Int?
    /// Look for each source's files in this folder (by the file-name part of its `loader.path`).
    public var directory: String?
    /// `--watch`: sources with no file yet are passed over instead of failing the load.
    public var skipSourcesWithoutFiles = false
    public init() {}
}

/// `rops load`: picks the sources, takes the project's lock and runs the `LoadOperation`.
public struct SourceLoads {
    let projectRoot: String
    let database: DatabaseSession
    let request: LoadRequest

    public init(projectRoot: String, database: DatabaseSession, request: LoadRequest) {
        self.projectRoot = projectRoot
        self.database = database
        self.request = request
    }

    public func run(delegate: OperationDelegate) throws -> (outcomes: [LoadOutcome], seconds: Double) {
        let start = Date()
        let project = try ProjectLoader.load(root: projectRoot)
        var specs = try project.sources.compactMap(LoadSpec.from)
        if !request.select.isEmpty {
            specs = specs.filter { spec in
                request.select.contains { $0 == spec.source.name || $0 == spec.source.sourceName || $0 == "\(spec.source.sourceName).\(spec.source.name)" }
            }
        }
        if let directory = request.directory {
            let folder = directory.hasPrefix("/") ? directory : project.root + "/" + directory
            specs = specs.map { $0.lookingIn(folder) }
        }
        if request.skipSourcesWithoutFiles {
            specs = specs.filter { (try? $0.files(projectRoot: project.root))?.isEmpty == false }
            if specs.isEmpty { return ([], Date().timeIntervalSince(start)) }
        }
        guard !specs.isEmpty else {
            throw SessionError(request.select.isEmpty ? "no source has a `loader:` block; declare one in a sources: YAML file"
                                                      : "no source with a loader matches \(request.select.joined(separator: " "))")
        }
        let dsn = try database.connectionString()
        let lock = try database.lockProject(for: "load")
        defer { lock.release() }
        let threads = max(1, min(database.threads(request.threads), specs.count))
        delegate.handle(.starting(kind: "source", count: specs.count, threads: threads, target: nil))
        var operation = LoadOperation(specs: specs, projectRoot: project.root)
        operation.append = request.append
        operation.allowShrink = request.allowShrink
        let outcomes = try operation.run(threads: threads, connect: { try PostgresConnection(dsn) }, delegate: LoadEvents(delegate))
        return (outcomes, Date().timeIntervalSince(start))
    }
}

/// The loader's reports as operation events.
struct LoadEvents: LoadDelegate {
    let delegate: OperationDelegate
    init(_ delegate: OperationDelegate) { self.delegate = delegate }
    func progress(_ progress: LoadProgress) { delegate.handle(.loadProgress(progress)) }
    func loaded(_ result: SourceLoadResult) { delegate.handle(.sourceLoaded(result)) }
    func failed(source: String, error: Error) { delegate.handle(.sourceFailed(source: source, error: error)) }
}
