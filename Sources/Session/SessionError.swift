/// A failure of a session or an operation, with the message a user reads.
public struct SessionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
