import Tensors

/// `nn.Conv2d`: weight `[out, in/groups, kh, kw]`, optional bias.
public final class Conv2d: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let geometry: ConvGeometry
    /// The weight, `[out, in/groups, kh, kw]` (state-dict name `weight`).
    public let weight: Parameter
    /// The bias, `[out]`, if the layer has one (state-dict name `bias`).
    public let bias: Parameter?

    /// Builds the layer with zero weights; `resetParameters` gives PyTorch's default init.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        geometry = ConvGeometry(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, groups: groups)
        weight = Parameter(.zeros([outChannels, inChannels / groups, kernelSize.0, kernelSize.1]))
        self.bias = bias ? Parameter(.zeros([outChannels])) : nil
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }

    /// Square kernel, stride, padding and dilation.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
        groups: Int = 1, bias: Bool = true
    ) {
        self.init(
            inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
            padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias)
    }

    /// The kernel last prepared from this layer's weights (see `kernel(foldedWith:)`).
    var preparedKernel: PreparedKernel?

    public override func forward(_ x: Tensor) throws -> Tensor {
        // Recording only when a gradient can flow through this layer (a tracked input or weight).
        guard Tape.current != nil else { return try kernel()(x) }
        let w = weight.tracked(), b = bias?.tracked()
        guard x.isTracked || w.isTracked || b?.isTracked == true else { return try kernel()(x) }
        return try kernel()(x, weight: w, bias: b)
    }

    public override func resetParameters(generator: inout RandomGenerator) {
        var b = bias?.value
        Init.pytorchDefault(weight: &weight.value, bias: &b, generator: &generator)
        if let b { bias?.value = b }
    }

    public override var extraRepr: String {
        let g = geometry
        var s = "\(inChannels), \(outChannels), kernel_size=\(pair(g.kernel)), stride=\(pair(g.stride))"
        if g.padding != (0, 0) { s += ", padding=\(pair(g.padding))" }
        if g.dilation != (1, 1) { s += ", dilation=\(pair(g.dilation))" }
        if g.groups != 1 { s += ", groups=\(g.groups)" }
        if bias == nil { s += ", bias=False" }
        return s
    }
}
