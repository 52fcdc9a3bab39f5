import Build
import Foundation
import Load
import PostgresClient

/// What one live cycle did: the files it loaded and, when they (or the first cycle) called for
/// it, the build that followed.
public struct LiveCycle: Sendable {
    public let number: Int
    public let loadedFiles: [FileLoad]
    public let failedSources: [String]
    public let loadSeconds: Double
    public let build: BuildOutcome?
    public let seconds: Double

    public var rowsLoaded: Int { loadedFiles.reduce(0) { $0 + $1.rowsLoaded } }
}

/// `rops live`: appends the files that appeared since the last cycle (each file once, across
/// restarts: `rops_meta.loads`), then builds; the build skips every node none of whose inputs
/// changed, so only the models the new rows reach run. A cycle with nothing new does no build.
/// Every step is one transaction per file or model, so a cycle killed at any point is finished by
/// the next one: the same rows as a run that was never interrupted.
public struct LiveOperation {
    let projectRoot: String
    let database: DatabaseSession
    let load: LoadRequest
    let build: BuildRequest
    private(set) var cycles = 0

    public init(projectRoot: String, database: DatabaseSession, load: LoadRequest, build: BuildRequest) {
        self.projectRoot = projectRoot
        self.database = database
        var load = load
        (load.append, load.skipSourcesWithoutFiles) = (true, true)
        self.load = load
        self.build = build
    }

    /// One cycle. `loadDelegate` hears the loads, `buildDelegate` the build.
    public mutating func cycle(loadDelegate: OperationDelegate, buildDelegate: OperationDelegate) throws -> LiveCycle {
        cycles += 1
        let start = Date()
        let (outcomes, loadSeconds) = try SourceLoads(projectRoot: projectRoot, database: database, request: load).run(delegate: loadDelegate)
        var loaded: [FileLoad] = []
        var failed: [String] = []
        for outcome in outcomes {
            switch outcome {
            case .loaded(let result): loaded += result.files.filter { !$0.skipped }
            case .failed(let source, _): failed.append(source)
            }
        }
        // The first cycle builds whatever earlier loads left unbuilt (a restart after a crash).
        let needsBuild = cycles == 1 || !loaded.isEmpty
        let outcome = needsBuild && !ActiveInterrupt.requested
            ? try BuildOperation(projectRoot: projectRoot, database: database, request: build).run(delegate: buildDelegate) : nil
        return LiveCycle(number: cycles, loadedFiles: loaded, failedSources: failed, loadSeconds: loadSeconds, build: outcome,
                         seconds: Date().timeIntervalSince(start))
    }
}

/// Whether the user asked the running operation to stop (Ctrl-C): running queries are cancelled.
enum ActiveInterrupt {
    static var requested: Bool { ActiveConnections.shared.isInterrupted }
}
