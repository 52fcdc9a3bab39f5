import Foundation

/// N threads with a PostgreSQL connection each: the shape of every parallel step in rops (the
/// build's runner, the test executor, the loader). Each worker connects once, then asks `next()`
/// for a job until it answers nil; `next` may block, as a scheduler waiting for a model's parents
/// does. A worker that cannot connect reports it through `connectionFailed` (so a scheduler can stop
/// handing out work) and ends; `run` rethrows the first such error after every worker ended.
public enum WorkerPool {
    public static func run<Job>(workers: Int, stackSize: Int = 8 << 20,
                                connect: @escaping @Sendable () throws -> PostgresConnection,
                                next: @escaping @Sendable () -> Job?,
                                work: @escaping @Sendable (Job, PostgresConnection) -> Void,
                                connectionFailed: @escaping @Sendable (Error) -> Void = { _ in }) throws {
        let failure = FirstError()
        let group = DispatchGroup()
        for _ in 0..<max(1, workers) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let connection: PostgresConnection
                do { connection = try connect() } catch {
                    failure.keep(error)
                    connectionFailed(error)
                    return
                }
                while let job = next() { work(job, connection) }
            }
            thread.stackSize = stackSize  // deep templates and long SQL strings
            thread.start()
        }
        group.wait()
        if let error = failure.error { throw error }
    }
}

/// A first-in, first-out queue several workers take from.
public final class WorkQueue<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item]
    private var position = 0

    public init(_ items: [Item]) { self.items = items }

    /// The next item, or nil when the queue is empty or `stop` was called.
    public func next() -> Item? {
        lock.lock(); defer { lock.unlock() }
        guard position < items.count else { return nil }
        position += 1
        return items[position - 1]
    }

    /// Hands out nothing more (fail-fast, Ctrl-C).
    public func stop() {
        lock.lock(); position = items.count; lock.unlock()
    }
}

/// Results that several workers add to, in the order they arrive.
public final class ResultList<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item] = []

    public init() {}

    public func add(_ item: Item) { lock.lock(); items.append(item); lock.unlock() }
    public var all: [Item] { lock.lock(); defer { lock.unlock() }; return items }
}

private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
    func keep(_ error: Error) { lock.lock(); if stored == nil { stored = error }; lock.unlock() }
}
