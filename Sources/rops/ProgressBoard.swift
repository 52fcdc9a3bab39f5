import Foundation
import Load

/// On a terminal: one line that shows every running source (bytes, rows/s, ETA), rewritten in place.
/// Elsewhere (CI, pipes): a plain log line per source every 10 seconds and when it finishes.
final class ProgressBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var active: [String: (progress: LoadProgress, started: Date)] = [:]
    private var lastLog: [String: Date] = [:]
    private let live = Console.isTerminal

    func update(_ progress: LoadProgress) {
        lock.lock(); defer { lock.unlock() }
        let started = active[progress.source]?.started ?? Date()
        active[progress.source] = (progress, started)
        if live {
            let line = active.keys.sorted().map { describe(active[$0]!.progress, since: active[$0]!.started) }.joined(separator: " | ")
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + String(line.prefix(200))).utf8))
        } else if Date().timeIntervalSince(lastLog[progress.source] ?? started) >= 10 {
            lastLog[progress.source] = Date()
            Console.note(describe(progress, since: started))
        }
    }

    func finish(_ result: SourceLoadResult) {
        lock.lock(); defer { lock.unlock() }
        active[result.source] = nil
        clearLine()
        Console.note(String(format: "loaded %@: %d rows, %d rejected, %.2fs", result.source, result.rowsLoaded, result.rowsRejected, result.seconds))
    }

    func fail(_ source: String, _ error: Error) {
        lock.lock(); defer { lock.unlock() }
        active[source] = nil
        clearLine()
        Console.error("\(source): \(UserFacingError.describe(error))")
    }

    func close() { lock.lock(); clearLine(); lock.unlock() }

    private func clearLine() { if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

    private func describe(_ progress: LoadProgress, since start: Date) -> String {
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Double(progress.rows) / elapsed
        let fraction = progress.bytesTotal > 0 ? Double(progress.bytesDone) / Double(progress.bytesTotal) : 0
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        return String(format: "%@ %.0f/%.0f MB, %d rows, %.0fk rows/s, ETA %.0fs", progress.source,
                      Double(progress.bytesDone) / 1_048_576, Double(progress.bytesTotal) / 1_048_576, progress.rows, rate / 1000, eta)
    }
}
