import Tensors

/// A learnable tensor shared by reference, like `nn.Parameter`: freezing flips `requiresGrad`.
public final class Parameter {
    /// The current values.
    public var value: Tensor { didSet { version &+= 1 } }
    /// Bumped on every change of `value`, so that kernels prepared from it know when to redo.
    public private(set) var version = 0
    /// Whether an optimiser would update it (`requires_grad`).
    public var requiresGrad: Bool

    /// Wraps a tensor; parameters start trainable, as in PyTorch.
    public init(_ value: Tensor, requiresGrad: Bool = true) {
        self.value = value
        self.requiresGrad = requiresGrad
    }

    /// The gradient accumulated by `Tape.backward` since the last `zeroGrad()` (`.grad`); nil
    /// until a backward pass reaches this parameter, and never set for a frozen one.
    public var grad: Tensor?

    /// The number of elements (`numel()`).
    public var count: Int { value.count }

    /// The value as a layer's forward reads it: a tracked leaf of the recording tape when this
    /// parameter requires a gradient, so `backward` adds its gradient to `grad`; the plain value
    /// otherwise (no tape, or frozen: no gradient and no weight-gradient work).
    public func tracked() -> Tensor {
        guard requiresGrad, let tape = Tape.current else { return value }
        return tape.leaf(value) { [weak self] g in self?.accumulate(g) }
    }

    /// Adds a gradient (PyTorch accumulates into `.grad` until it is zeroed).
    public func accumulate(_ gradient: Tensor) {
        if let grad, grad.shape == gradient.shape {
            var sum = grad
            sum.withUnsafeMutableBufferPointer { s in for i in s.indices { s[i] += gradient.storage[i] } }
            self.grad = sum
        } else {
            grad = gradient
        }
    }

    /// Forgets the gradient (`zero_grad(set_to_none=True)`).
    public func zeroGrad() { grad = nil }
}

/// A non-learnable tensor a module keeps in its state dict (`running_mean`, `num_batches_tracked`).
public final class Buffer {
    /// The current values.
    public var value: Tensor { didSet { version &+= 1 } }
    /// Bumped on every change of `value`.
    public private(set) var version = 0
    /// How the buffer is stored in a state dict (PyTorch keeps `num_batches_tracked` as int64).
    public let dtype: SafetensorsDType

    public init(_ value: Tensor, dtype: SafetensorsDType = .f32) {
        self.value = value
        self.dtype = dtype
    }
}
