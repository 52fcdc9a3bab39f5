import Foundation

/// A flag one thread sets and another polls (a reader loop's stop signal).
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    public func set() { lock.lock(); value = true; lock.unlock() }
}

/// Messages collected from several threads.
public final class ErrorList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    public init() {}
    public func add(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    public var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
