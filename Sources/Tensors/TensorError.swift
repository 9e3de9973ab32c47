/// A shape or argument problem found while computing, worded like PyTorch's message.
public struct TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, in PyTorch's wording where PyTorch has one.
    public var message: String

    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
