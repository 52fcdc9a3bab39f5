import Build
import DataTesting
import Load

/// Everything an operation reports while it works, in the order it happens: what the CLI prints,
/// and what a server or the menu could show instead. Delivered from the operation's threads.
public enum OperationEvent: @unchecked Sendable {
    /// A remark for the user: the embedded cluster started, waiting for the project lock, …
    case note(String)
    /// An operation is about to run `count` items of `kind` ("model", "test", "source") on `threads` connections.
    case starting(kind: String, count: Int, threads: Int, target: String?)
    /// A build will run `count` tests beside its models.
    case testsPlanned(count: Int)
    case seedLoaded(SeedLoader.Result, seconds: Double)
    case modelFinished(index: Int, total: Int, NodeResult)
    case testFinished(TestResult)
    case loadProgress(LoadProgress)
    case sourceLoaded(SourceLoadResult)
    case sourceFailed(source: String, error: Error)
}

/// Receives an operation's events; called from several threads at once.
public protocol OperationDelegate: Sendable {
    func handle(_ event: OperationEvent)
}
