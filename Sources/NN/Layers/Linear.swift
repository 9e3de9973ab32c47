import Tensors

/// `nn.Linear`: weight `[out, in]`, optional bias.
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    /// The weight, `[out, in]` (state-dict name `weight`).
    public let weight: Parameter
    /// The bias, `[out]`, if the layer has one (state-dict name `bias`).
    public let bias: Parameter?

    /// Builds the layer with zero weights; `resetParameters` gives PyTorch's default init.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(.zeros([outFeatures, inFeatures]))
        self.bias = bias ? Parameter(.zeros([outFeatures])) : nil
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.linear(x, weight: weight.tracked(), bias: bias?.tracked())
    }

    public override func resetParameters(generator: inout RandomGenerator) {
        var b = bias?.value
        Init.pytorchDefault(weight: &weight.value, bias: &b, generator: &generator)
        if let b { bias?.value = b }
    }

    public override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias == nil ? "False" : "True")"
    }
}

/// fastai v1's `Flatten`: `x.view(x.size(0), -1)`.
public final class Flatten: Module {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flattened() }
}

/// `nn.Dropout`: a seeded Bernoulli mask in training, the identity in eval mode.
public final class Dropout: Module {
    public let p: Float
    public let inplace: Bool
    private var generator: RandomGenerator

    public init(p: Float = 0.5, inplace: Bool = false, seed: UInt64 = 0) {
        self.p = p
        self.inplace = inplace
        generator = RandomGenerator(seed: seed)
        super.init()
    }

    /// A mask to use instead of drawing one (0 where dropped, `1/(1-p)` where kept): PyTorch's
    /// own mask, or all ones for `p = 0`, so a test can replay a run exactly. Train mode only.
    public var fixedMask: Tensor?

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard training, p > 0 else { return x }
        if let fixedMask {
            guard fixedMask.shape == x.shape else {
                throw TensorError("dropout mask \(Tensor.describe(fixedMask.shape)) does not fit input \(Tensor.describe(x.shape))")
            }
            return x.dropout(mask: fixedMask)
        }
        return x.dropout(p: p, training: training, generator: &generator)
    }

    public override var extraRepr: String { "p=\(pythonFloat(p)), inplace=\(inplace ? "True" : "False")" }
}
