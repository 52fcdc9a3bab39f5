import Foundation

/// The connections that are running a statement right now, so Ctrl-C can cancel them all.
public final class ActiveConnections: @unchecked Sendable {
    public static let shared = ActiveConnections()

    private let lock = NSLock()
    private var running: [ObjectIdentifier: PostgresConnection] = [:]
    private var interrupted = false

    /// True once the user asked to stop (Ctrl-C): runners start nothing new.
    public var isInterrupted: Bool { lock.lock(); defer { lock.unlock() }; return interrupted }

    /// Records a user interrupt and cancels every running statement; returns how many were asked.
    @discardableResult
    public func interrupt() -> Int {
        lock.lock(); interrupted = true; lock.unlock()
        return cancelAll()
    }

    func register(_ connection: PostgresConnection) {
        lock.lock(); running[ObjectIdentifier(connection)] = connection; lock.unlock()
    }

    func unregister(_ connection: PostgresConnection) {
        lock.lock(); running[ObjectIdentifier(connection)] = nil; lock.unlock()
    }

    /// Sends a cancel request for every running statement; returns how many were asked.
    @discardableResult
    public func cancelAll() -> Int {
        lock.lock()
        let connections = Array(running.values)
        lock.unlock()
        for connection in connections { connection.cancel() }
        return connections.count
    }
}
