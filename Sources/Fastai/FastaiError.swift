/// A `create_cnn` step that cannot go on, with fastai's wording where fastai has one.
public struct FastaiError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
