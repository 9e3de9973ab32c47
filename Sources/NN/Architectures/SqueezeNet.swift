import Tensors

/// SqueezeNet's `Fire` module: a 1×1 squeeze, then 1×1 and 3×3 expands concatenated.
public final class Fire: Module {
    init(_ inplanes: Int, squeeze: Int, expand1x1: Int, expand3x3: Int) {
        super.init()
        setChild("squeeze", Conv2d(inplanes, squeeze, kernelSize: 1))
        setChild("squeeze_activation", ReLU(inplace: true))
        setChild("expand1x1", Conv2d(squeeze, expand1x1, kernelSize: 1))
        setChild("expand1x1_activation", ReLU(inplace: true))
        setChild("expand3x3", Conv2d(squeeze, expand3x3, kernelSize: 3, padding: 1))
        setChild("expand3x3_activation", ReLU(inplace: true))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let s = try run("squeeze_activation", run("squeeze", x))
        return try Tensor.concatenate(
            [run("expand1x1_activation", run("expand1x1", s)), run("expand3x3_activation", run("expand3x3", s))], dim: 1)
    }
}

/// torchvision's `squeezenet1_1`: `features` and a convolutional `classifier`.
public final class SqueezeNet: Module {
    public init(numClasses: Int = 1000, generator: inout RandomGenerator) {
        super.init()
        setChild(
            "features",
            Sequential(
                Conv2d(3, 64, kernelSize: 3, stride: 2), ReLU(inplace: true),
                MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true),
                Fire(64, squeeze: 16, expand1x1: 64, expand3x3: 64), Fire(128, squeeze: 16, expand1x1: 64, expand3x3: 64),
                MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true),
                Fire(128, squeeze: 32, expand1x1: 128, expand3x3: 128), Fire(256, squeeze: 32, expand1x1: 128, expand3x3: 128),
                MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true),
                Fire(256, squeeze: 48, expand1x1: 192, expand3x3: 192), Fire(384, squeeze: 48, expand1x1: 192, expand3x3: 192),
                Fire(384, squeeze: 64, expand1x1: 256, expand3x3: 256), Fire(512, squeeze: 64, expand1x1: 256, expand3x3: 256)))
        let finalConv = Conv2d(512, numClasses, kernelSize: 1)
        setChild("classifier", Sequential(Dropout(p: 0.5), finalConv, ReLU(inplace: true), AdaptiveAvgPool2d(.pair(1, 1))))
        // torchvision: final conv N(0, 0.01), other convs kaiming_uniform_ (defaults); all biases 0.
        for m in modules {
            guard let conv = m as? Conv2d else { continue }
            if conv === finalConv {
                Init.normal(&conv.weight.value, std: 0.01, generator: &generator)
            } else {
                Init.kaimingUniform(&conv.weight.value, generator: &generator)
            }
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try run("classifier", run("features", x)).flattened()
    }
}
