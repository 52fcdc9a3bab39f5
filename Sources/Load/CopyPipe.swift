import Foundation
import PostgresClient

/// Hands COPY blocks to a sender thread, so scanning the next block overlaps with sending this one.
/// Without it the two alternate: a unix socket buffers only a few hundred kilobytes, so the scanner
/// would wait for the server and the server for the scanner. At most `depth` blocks are in flight.
final class CopyPipe: @unchecked Sendable {
    private let writer: CopyInWriter
    private let lock = NSCondition()
    private var queue: [[UInt8]] = []
    private var finished = false
    private var failure: Error?
    private let depth: Int
    private let done = DispatchSemaphore(value: 0)

    init(_ writer: CopyInWriter, depth: Int = 4) {
        self.writer = writer
        self.depth = depth
        let thread = Thread { [self] in sendLoop() }
        thread.start()
    }

    /// Queues a block; waits while `depth` blocks are queued. Rethrows a send failure.
    func put(_ block: [UInt8]) throws {
        lock.lock()
        defer { lock.unlock() }
        while queue.count >= depth && failure == nil { lock.wait() }
        if let failure { throw failure }
        queue.append(block)
        lock.broadcast()
    }

    /// Waits until everything queued is sent; rethrows a send failure.
    func finish() throws {
        lock.lock()
        finished = true
        lock.broadcast()
        lock.unlock()
        done.wait()
        if let failure { throw failure }
    }

    /// Stops the sender after an error on the producing side (no more blocks).
    func abandon() {
        lock.lock()
        finished = true
        queue.removeAll()
        lock.broadcast()
        lock.unlock()
        done.wait()
    }

    private func sendLoop() {
        while true {
            lock.lock()
            while queue.isEmpty && !finished { lock.wait() }
            if queue.isEmpty && finished {
                lock.unlock()
                break
            }
            let block = queue.removeFirst()
            lock.broadcast()
            lock.unlock()
            do {
                try writer.write(block)
            } catch {
                lock.lock()
                failure = error
                queue.removeAll()
                lock.broadcast()
                lock.unlock()
                break
            }
        }
        done.signal()
    }
}
