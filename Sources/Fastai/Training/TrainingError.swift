/// A training setting or state that cannot go on: a message saying what was wrong and what was expected.
public struct TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The user-facing message.
    public var message: String
    /// An error with this message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
