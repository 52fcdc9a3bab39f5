import Foundation
import Session

/// Prints an operation's events as they arrive: a line per model, test and seed, the loader's
/// progress, and notes. One lock keeps lines from different threads whole.
final class ConsoleReporter: OperationDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let progress = ProgressBoard()
    private var testsDone = 0, testsTotal = 0
    private let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()

    func handle(_ event: OperationEvent) {
        switch event {
        case .loadProgress(let update): progress.update(update)
        case .sourceLoaded(let result): progress.finish(result)
        case .sourceFailed(let source, let error): progress.fail(source, error)
        default:
            lock.lock(); defer { lock.unlock() }
            print(event)
        }
    }

    /// Clears the load progress line before a summary is printed.
    func close() { progress.close() }

    private func print(_ event: OperationEvent) {
        switch event {
        case .note(let text): Console.note(text)
        case .testsPlanned(let count): testsTotal = count
        case .starting(let kind, let count, let threads, let target):
            if kind == "test" { testsTotal = count }
            let noun = kind == "source" ? "Loading" : "Running"
            Console.print("\(noun) \(count) \(kind)\(count == 1 ? "" : "s") with \(threads) thread\(threads == 1 ? "" : "s")" + (target.map { " on \($0)" } ?? ""))
        case .seedLoaded(let result, let seconds):
            Console.print(String(format: "seed   %@ .... [%d rows in %.2fs] %@", result.relation, result.rows, seconds,
                                 result.columnTypes.map { "\($0.0) \($0.1)" }.joined(separator: ", ")))
        case .modelFinished(let index, let total, let result):
            let status = result.unchanged ? "SAME" : ["success": "OK", "error": "ERROR", "skipped": "SKIP"][result.status.rawValue]!
            let label = "\(result.materialized) \(result.relation)"
            let dots = String(repeating: ".", count: max(3, 60 - label.count))
            let detail = result.status == .success ? result.message : result.status == .error ? "ERROR" : result.message
            let position = index > 0 ? "\(index) of \(total)" : "- of \(total)"
            Console.print(String(format: "%@  %@ %@ %@ %@ [%@ in %.2fs]", clock.string(from: Date()), position,
                                 status.padding(toLength: 5, withPad: " ", startingAt: 0), label, dots, detail, result.seconds))
        case .testFinished(let result):
            testsDone += 1
            let status = result.status.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)
            let dots = String(repeating: ".", count: max(3, 60 - result.test.name.count))
            let detail = result.unchanged ? "PASS, unchanged" : result.status == .pass ? "PASS" : result.status == .error ? "ERROR" : "\(result.failures) rows"
            let position = testsTotal > 0 ? "\(testsDone) of \(testsTotal)" : "\(testsDone)"
            Console.print(String(format: "%@ %@ %@ %@ [%@ in %.2fs]", position, status, result.test.name, dots, detail, result.seconds))
        case .loadProgress, .sourceLoaded, .sourceFailed: break
        }
    }
}
