import Foundation

/// Runs the built `rops` binary the way a user does, capturing its output.
public enum RopsProcess {
    public struct Outcome {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var all: String { stdout + stderr }
    }

    /// The `rops` executable next to the test bundle.
    public static var binary: URL { Bundle.main.bundleURL.appendingPathComponent("rops") }

    /// `rops <arguments>` in `directory`; DB_CONNECTION_STRING is cleared unless `environment` sets it.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                           input: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env["DB_CONNECTION_STRING"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        // Read stderr on another thread so a full pipe cannot stall the child.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

private final class DataBox: @unchecked Sendable { var data = Data() }

/// A `rops` process started in the background: for tests that kill it, or run two at once.
public final class RunningRops: @unchecked Sendable {
    public let process = Process()
    private let out = Pipe(), err = Pipe()
    private let stdoutBox = DataBox(), stderrBox = DataBox()
    private let readers = DispatchGroup()

    public init(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws {
        process.executableURL = RopsProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["DB_CONNECTION_STRING"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for (pipe, box) in [(out, stdoutBox), (err, stderrBox)] {
            readers.enter()
            DispatchQueue.global().async { [readers] in
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                readers.leave()
            }
        }
    }

    public var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL, as `kill -9` does.
    public func killNine() { kill(process.processIdentifier, SIGKILL) }

    /// Waits for the process to end; `status` is the signal number when a signal ended it.
    public func wait() -> (outcome: RopsProcess.Outcome, signalled: Bool) {
        process.waitUntilExit()
        readers.wait()
        let outcome = RopsProcess.Outcome(status: process.terminationStatus, stdout: String(decoding: stdoutBox.data, as: UTF8.self),
                                          stderr: String(decoding: stderrBox.data, as: UTF8.self))
        return (outcome, process.terminationReason == .uncaughtSignal)
    }
}

/// The built `rops-datagen`, next to `rops`.
public enum RopsDatagen {
    /// Writes the five Kaggle-format files into `folder`; false when the generator failed.
    public static func run(into folder: String, _ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = RopsProcess.binary.deletingLastPathComponent().appendingPathComponent("rops-datagen")
        process.arguments = arguments + ["--out", folder]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
