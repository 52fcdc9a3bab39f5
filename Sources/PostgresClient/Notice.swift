/// A NOTICE, WARNING or INFO message the server sent while a statement ran.
public struct PostgresNotice: Sendable, Equatable {
    public let severity: String
    public let sqlState: String
    public let message: String
}
