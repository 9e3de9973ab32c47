import Tensors

/// Batch normalisation over dimension 1 (`nn.BatchNorm2d` for images, `nn.BatchNorm1d` for features).
public class BatchNorm: Module {
    public let numFeatures: Int
    public let eps: Float
    public let momentum: Float
    /// γ (state-dict name `weight`).
    public let weight: Parameter
    /// β (state-dict name `bias`).
    public let bias: Parameter
    /// The running mean used in eval mode (`running_mean`).
    public let runningMean: Buffer
    /// The running (unbiased) variance used in eval mode (`running_var`).
    public let runningVar: Buffer
    /// How many train-mode batches updated the running statistics (`num_batches_tracked`, int64).
    public let numBatchesTracked: Buffer

    init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        weight = Parameter(.ones([numFeatures]))
        bias = Parameter(.zeros([numFeatures]))
        runningMean = Buffer(.zeros([numFeatures]))
        runningVar = Buffer(.ones([numFeatures]))
        numBatchesTracked = Buffer(.zeros([]), dtype: .i64)
        super.init()
        register("weight", weight)
        register("bias", bias)
        register("running_mean", runningMean)
        register("running_var", runningVar)
        register("num_batches_tracked", numBatchesTracked)
    }

    /// The input rank this flavour accepts.
    var expectedRanks: Set<Int> { [2, 4] }

    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, residual: nil, relu: false) }

    /// `relu(self(x) + residual)` (each part optional) as one operation: `runConvBN` uses it
    /// when no hook could see the batch norm's own output.
    func forward(_ x: Tensor, residual: Tensor?, relu: Bool) throws -> Tensor {
        guard expectedRanks.contains(x.rank) else {
            throw TensorError("expected \(expectedRanks.sorted().map { "\($0)D" }.joined(separator: " or ")) input (got \(x.rank)D input)")
        }
        var running = RunningStatistics(mean: runningMean.value, variance: runningVar.value)
        let y = try Tensor.batchNorm(
            x, weight: weight.tracked(), bias: bias.tracked(), running: &running, training: training, momentum: momentum, eps: eps,
            residual: residual, relu: relu)
        if training {
            runningMean.value = running.mean
            runningVar.value = running.variance
            numBatchesTracked.value = Tensor(shape: [], storage: [numBatchesTracked.value.storage[0] + 1])
        }
        return y
    }

    public override func resetParameters(generator: inout RandomGenerator) {
        weight.value = .ones([numFeatures])
        bias.value = .zeros([numFeatures])
    }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(pythonFloat(eps)), momentum=\(pythonFloat(momentum)), affine=True, track_running_stats=True"
    }
}

/// `nn.BatchNorm2d` for `[N, C, H, W]`.
public final class BatchNorm2d: BatchNorm {
    public override init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        super.init(numFeatures, eps: eps, momentum: momentum)
    }
    override var expectedRanks: Set<Int> { [4] }
}

/// `nn.BatchNorm1d` for `[N, C]`.
public final class BatchNorm1d: BatchNorm {
    public override init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        super.init(numFeatures, eps: eps, momentum: momentum)
    }
    override var expectedRanks: Set<Int> { [2] }
}
