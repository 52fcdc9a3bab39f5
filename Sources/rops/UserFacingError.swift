import Foundation
import LocalPostgres
import PostgresClient
import Project

/// Errors the CLI knows how to explain.
protocol PostgresClientErrorInfo { var isCancellation: Bool { get } }
extension PostgresError: PostgresClientErrorInfo {}

enum UserFacingError {
    static func describe(_ error: Error) -> String {
        switch error {
        case let error as PostgresError:
            if error.isCancellation { return "cancelled" }
            return error.description
        case let error as LocalPostgresError: return error.description
        case let error as CocoaError: return fileProblem(error)
        case let error as ProjectError: return error.description
        case let error as CustomStringConvertible: return error.description
        default: return String(describing: error)
        }
    }
}

extension UserFacingError {
    /// Foundation's file errors print as `NSCocoaErrorDomain Code=513 "(null)"` on Linux: say which
    /// file and why instead.
    static func fileProblem(_ error: CocoaError) -> String {
        let path = error.filePath ?? (error.userInfo[NSFilePathErrorKey] as? String) ?? error.url?.path ?? "a file"
        let cause: String
        if let underlying = error.underlying as? POSIXError {
            cause = String(cString: strerror(underlying.code.rawValue))
        } else {
            switch error.code {
            case .fileWriteNoPermission, .fileReadNoPermission: cause = "permission denied"
            case .fileNoSuchFile, .fileReadNoSuchFile: cause = "no such file or directory"
            case .fileWriteOutOfSpace: cause = "no space left on the device"
            case .fileWriteVolumeReadOnly: cause = "the file system is read-only"
            case .fileReadCorruptFile, .fileReadInapplicableStringEncoding: cause = "it is not readable text"
            default: cause = "error \(error.code.rawValue)"
            }
        }
        let isDirectory = (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeDirectory
        // Foundation's write errors are codes 512-1023, its read errors 256-511.
        let verb = (512..<1024).contains(error.code.rawValue) ? "write" : "read"
        if isDirectory && verb == "read" { return "cannot read \(path): it is a directory" }
        if error.code == .fileWriteFileExists && !isDirectory { return "cannot write \(path): it is a file, where a directory should be" }
        return "cannot \(verb) \(path): \(cause)"
    }
}

/// A failure the CLI raises itself, with the message to print.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
