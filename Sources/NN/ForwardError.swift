import Tensors

/// A failure inside a forward pass, carrying where in the module tree it happened.
public struct ForwardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Child names from the model that was called down to the failing layer (`["0", "0"]`).
    public var path: [String]
    /// The failing layer's type name (`Conv2d`).
    public var layer: String
    /// The input shape the failing layer received.
    public var inputShape: [Int]
    /// PyTorch-style explanation.
    public var message: String

    public init(path: [String] = [], layer: String, inputShape: [Int], message: String) {
        self.path = path
        self.layer = layer
        self.inputShape = inputShape
        self.message = message
    }

    /// The dotted module path (`0.0`, `conv1`), or `(model)` for the module that was called.
    public var location: String { path.isEmpty ? "(model)" : path.joined(separator: ".") }

    public var description: String { "\(location) (\(layer)) on input \(Tensor.describe(inputShape)): \(message)" }
}
