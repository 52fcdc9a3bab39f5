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
        case let error as ProjectError: return error.description
        case let error as CustomStringConvertible: return error.description
        default: return String(describing: error)
        }
    }
}

/// A failure the CLI raises itself, with the message to print.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
