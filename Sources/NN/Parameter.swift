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

    /// The number of elements (`numel()`).
    public var count: Int { value.count }
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
