import DataTesting
import Foundation

/// JUnit XML for CI systems: one testcase per data test, failures and errors with their message.
enum JUnitReport {
    static func xml(_ results: [TestResult], elapsed: Double) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = results.filter { $0.status == .fail }.count
        let errors = results.filter { $0.status == .error }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(String(format: "%.3f", elapsed))\">\n"
        xml += "  <testsuite name=\"rops data tests\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(String(format: "%.3f", elapsed))\">\n"
        for result in results {
            xml += "    <testcase classname=\"\(escape(result.test.attachedTo ?? "singular"))\" name=\"\(escape(result.test.name))\" time=\"\(String(format: "%.3f", result.seconds))\""
            switch result.status {
            case .pass: xml += "/>\n"
            case .warn: xml += ">\n      <system-out>\(escape("WARN: " + result.message))</system-out>\n    </testcase>\n"
            case .fail: xml += ">\n      <failure message=\"\(result.failures) failing rows\">\(escape(result.message))</failure>\n    </testcase>\n"
            case .error: xml += ">\n      <error message=\"error\">\(escape(result.message))</error>\n    </testcase>\n"
            case .skipped: xml += ">\n      <skipped/>\n    </testcase>\n"
            }
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }
}
