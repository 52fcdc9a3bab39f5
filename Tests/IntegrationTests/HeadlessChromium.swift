import Foundation

/// Debian's chromium, headless, as the docs tests drive it: a page's DOM with the console lines it
/// logged, or a screenshot. Nil when chromium is not installed (`.ci/run` installs it).
struct HeadlessChromium {
    let path: String
    let profile: String

    init?(profile: String) {
        guard let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        self.path = path
        self.profile = profile
    }

    /// The page's DOM after load, and the lines chromium logged from its console.
    func dumpDOM(_ url: String) throws -> (dom: String, console: [String]) {
        let (out, err) = try run(["--enable-logging=stderr", "--v=0", "--dump-dom", url])
        return (out, err.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init))
    }

    func screenshot(_ url: String, to file: String, width: Int, height: Int) throws {
        _ = try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(file)", url])
    }

    private func run(_ arguments: [String]) throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read stderr on another thread so a full pipe cannot stall chromium.
        let errText = ErrorText()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errText.text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self); group.leave() }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        group.wait()
        process.waitUntilExit()
        return (stdout, errText.text)
    }
}

final class ErrorText: @unchecked Sendable { var text = "" }
