import Tensors

/// Batch normalisation over dimension 1 (`nn.BatchNorm2d` for images, `nn.BatchNorm1d` for features).
public class BatchNorm: Module {
    public let numFeatures: Int
    public let eps: Float
    public let momentum: Float

    init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        super.init()
        setParameter("weight", Parameter(.ones([numFeatures])))
        setParameter("bias", Parameter(.zeros([numFeatures])))
        setBuffer("running_mean", Buffer(.zeros([numFeatures])))
        setBuffer("running_var", Buffer(.ones([numFeatures])))
        setBuffer("num_batches_tracked", Buffer(.zeros([]), dtype: .i64))
    }

    /// γ.
    public var weight: Parameter { parameter("weight")! }
    /// β.
    public var bias: Parameter { parameter("bias")! }

    /// The input rank this flavour accepts.
    var expectedRanks: Set<Int> { [2, 4] }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard expectedRanks.contains(x.rank) else {
            throw TensorError("expected \(expectedRanks.sorted().map { "\($0)D" }.joined(separator: " or ")) input (got \(x.rank)D input)")
        }
        let meanBuffer = buffer("running_mean")!, varBuffer = buffer("running_var")!
        var running = RunningStatistics(mean: meanBuffer.value, variance: varBuffer.value)
        let y = try Tensor.batchNorm(
            x, weight: weight.value, bias: bias.value, running: &running, training: training, momentum: momentum, eps: eps)
        if training {
            meanBuffer.value = running.mean
            varBuffer.value = running.variance
            buffer("num_batches_tracked")!.value.storage[0] += 1
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

/// Python's `repr` of a float: `1e-05`, `0.1`, `0.5`.
public func pythonFloat(_ v: Float) -> String {
    let d = Double(v)
    if d == d.rounded() && abs(d) < 1e16 { return String(format: "%.1f", d) }
    var s = String(format: "%.6g", d)
    return s
}
