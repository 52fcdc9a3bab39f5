import Foundation

/// The connections that are running a statement right now, so Ctrl-C can cancel them all.
public final class ActiveConnections: @unchecked Sendable {
    public static let shared = ActiveConnections()

    private let lock = NSLock()
    private var running: [ObjectIdentifier: PostgresConnection] = [:]

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
