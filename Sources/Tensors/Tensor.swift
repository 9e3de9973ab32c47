/// A dense, contiguous Float32 tensor in row-major (NCHW for images) order, like a PyTorch
/// tensor that has never been strided.
public struct Tensor: Sendable, Equatable {
    /// The size of each dimension, outermost first (`[N, C, H, W]`).
    public private(set) var shape: [Int]
    /// The elements, row-major; `storage.count == shape.product`. Only the Tensors module writes
    /// it directly; elsewhere values change through `withUnsafeMutableBufferPointer`, the element
    /// subscript or a new tensor, none of which can change the count.
    public internal(set) var storage: [Float]
    /// The tape node that made this tensor while a `Tape` was recording (nil: not tracked, no
    /// gradient flows back through it). Not part of the value: two tensors with the same shape and
    /// elements are equal whether tracked or not.
    public internal(set) var gradientNode: Int?

    /// Wraps existing values; the count must match the shape.
    public init(shape: [Int], storage: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(Tensor.count(of: shape) == storage.count, "storage does not fit shape \(shape)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor filled with one value.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, storage: [Float](repeating: value, count: Tensor.count(of: shape)))
    }

    /// A zero-filled tensor (`torch.zeros`).
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// A one-filled tensor (`torch.ones`).
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// A scalar-free 1-D tensor of the given values.
    public init(_ values: [Float]) { self.init(shape: [values.count], storage: values) }

    /// Lets `body` change the elements in place (never their number).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { buffer in try body(buffer) }
    }

    /// The number of elements a shape holds.
    public static func count(of shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The number of elements.
    public var count: Int { storage.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The same values seen with another shape (`view`/`reshape`); one dimension may be -1.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        if inferred.count > 1 { throw TensorError("only one dimension can be inferred") }
        if let i = inferred.first {
            let known = newShape.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0 else {
                throw TensorError("shape '\(Tensor.describe(newShape))' is invalid for input of size \(count)")
            }
            resolved[i] = count / known
        }
        guard Tensor.count(of: resolved) == count, resolved.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("shape '\(Tensor.describe(newShape))' is invalid for input of size \(count)")
        }
        let original = shape
        return Tensor(shape: resolved, storage: storage).recorded(from: [self]) { g, _ in
            [Tensor(shape: original, storage: g.storage)]
        }
    }

    /// `x.view(x.size(0), -1)`: keeps the batch dimension, flattens the rest.
    public func flattened() throws(TensorError) -> Tensor {
        guard rank >= 1 else { throw TensorError("flatten needs at least one dimension") }
        return try reshaped([shape[0], -1])
    }

    /// Element at a multi-index (for tests and small inspections, not for hot loops).
    public subscript(_ index: Int...) -> Float {
        get { storage[offset(index)] }
        set { storage[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) does not match shape \(shape)")
        var o = 0
        for (i, s) in zip(index, shape) {
            precondition(i >= 0 && i < s, "index \(index) out of range for shape \(shape)")
            o = o * s + i
        }
        return o
    }

    /// Formats a shape the way PyTorch prints a size list: `[2, 3, 224, 224]`.
    public static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}

extension Tensor {
    /// Equal shapes and elements; tracking is not part of a tensor's value.
    public static func == (l: Tensor, r: Tensor) -> Bool { l.shape == r.shape && l.storage == r.storage }

    /// Whether a gradient flows back through this tensor (it was made on a recording tape from a
    /// parameter that requires one).
    public var isTracked: Bool { gradientNode != nil }

    /// The same values, no longer tracked (`detach()`).
    public func detached() -> Tensor {
        var out = self
        out.gradientNode = nil
        return out
    }
}

extension Tensor: CustomStringConvertible {
    /// A short summary: shape and a few values.
    public var description: String {
        let head = storage.prefix(6).map { String(format: "%.4f", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(Tensor.describe(shape)), [\(head)\(count > 6 ? ", …" : "")])"
    }
}
