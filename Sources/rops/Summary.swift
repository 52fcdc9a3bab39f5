import Build
import DataTesting
import Foundation
import Load
import Session

/// The closing lines each command prints after its operation returned.
enum Summary {
    static func load(_ outcomes: [LoadOutcome], seconds: Double) {
        Console.print("")
        Console.print("source".padding(toLength: 34, withPad: " ", startingAt: 0) + "      loaded    rejected   seconds")
        var loaded = 0, rejected = 0
        for outcome in outcomes {
            switch outcome {
            case .loaded(let result):
                loaded += result.rowsLoaded
                rejected += result.rowsRejected
                let skipped = result.files.filter(\.skipped).count
                let note = skipped > 0 ? "  (\(skipped) file\(skipped == 1 ? "" : "s") already loaded)" : ""
                Console.print(result.source.padding(toLength: 34, withPad: " ", startingAt: 0)
                              + String(format: "%12d%12d%10.2f", result.rowsLoaded, result.rowsRejected, result.seconds) + note)
            case .failed(let name, let error):
                let firstLine = UserFacingError.describe(error).split(separator: "\n").first.map(String.init) ?? ""
                Console.print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + "      FAILED: " + firstLine)
            }
        }
        Console.print(String(format: "%@%12d%12d%10.2f", "total".padding(toLength: 34, withPad: " ", startingAt: 0), loaded, rejected, seconds))
    }

    static func build(_ outcome: BuildOutcome, withTests: Bool) {
        if withTests {
            Console.print(String(format: "\nTests: %d pass, %d warn, %d fail, %d error, %d skipped", outcome.tests(.pass),
                                 outcome.tests(.warn), outcome.tests(.fail), outcome.tests(.error), outcome.tests(.skipped)))
            for result in outcome.tests where result.status == .fail || result.status == .error {
                Console.print("\n\(result.status == .fail ? "FAIL" : "ERROR") \(result.test.name): \(result.message)")
            }
        }
        Console.print(String(format: "\nFinished in %.2fs: %d ok, %d error, %d skipped", outcome.seconds,
                             outcome.models(.success), outcome.models(.error), outcome.models(.skipped)))
        let unchanged = outcome.unchangedModels + outcome.unchangedTests
        if unchanged > 0 && unchanged == outcome.models.count + outcome.tests.count {
            Console.print("Nothing changed since the last build: every model and test was skipped, no SQL ran (--full-refresh rebuilds).")
        } else if unchanged > 0 {
            Console.print("\(outcome.unchangedModels) model(s) and \(outcome.unchangedTests) test(s) were unchanged since their last build and not run.")
        }
        for failure in outcome.models where failure.status == .error {
            Console.print("\nerror in \(failure.name):\n  " + failure.message.replacingOccurrences(of: "\n", with: "\n  "))
        }
    }

    static func tests(_ results: [TestResult], seconds: Double) {
        let counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
        Console.print(String(format: "\nFinished in %.2fs: %d pass, %d warn, %d fail, %d error", seconds,
                             counts[.pass] ?? 0, counts[.warn] ?? 0, counts[.fail] ?? 0, counts[.error] ?? 0))
        for result in results where result.status == .fail || result.status == .error {
            Console.print("\n\(result.status == .fail ? "FAIL" : "ERROR") \(result.test.name) (\(result.test.file)\(result.test.line.map { ":\($0)" } ?? "")): \(result.message)")
        }
    }
}
