import Tensors

/// torchvision's `_DenseLayer`: BN–ReLU–1×1 conv (bottleneck) then BN–ReLU–3×3 conv to `growth` channels.
public final class DenseLayer: Module {
    public override var typeName: String { "_DenseLayer" }

    init(_ inFeatures: Int, growth: Int, bnSize: Int) {
        super.init()
        setChild("norm1", BatchNorm2d(inFeatures))
        setChild("relu1", ReLU(inplace: true))
        setChild("conv1", Conv2d(inFeatures, bnSize * growth, kernelSize: 1, bias: false))
        setChild("norm2", BatchNorm2d(bnSize * growth))
        setChild("relu2", ReLU(inplace: true))
        setChild("conv2", Conv2d(bnSize * growth, growth, kernelSize: 3, padding: 1, bias: false))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var y = x
        for name in ["norm1", "relu1", "conv1", "norm2", "relu2", "conv2"] { y = try run(name, y) }
        return y
    }
}

/// torchvision's `_DenseBlock`: each layer sees the concatenation of everything before it.
public final class DenseBlock: Module {
    public override var typeName: String { "_DenseBlock" }

    init(layers: Int, inFeatures: Int, growth: Int, bnSize: Int) {
        super.init()
        for i in 0..<layers {
            setChild("denselayer\(i + 1)", DenseLayer(inFeatures + i * growth, growth: growth, bnSize: bnSize))
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var features = [x]
        for (name, _) in namedChildren {
            features.append(try run(name, Tensor.concatenate(features, dim: 1)))
        }
        return try Tensor.concatenate(features, dim: 1)
    }
}

/// torchvision's `_Transition`: BN–ReLU–1×1 conv halving channels–2×2 average pool.
public final class Transition: Module {
    public override var typeName: String { "_Transition" }

    init(_ inFeatures: Int, _ outFeatures: Int) {
        super.init()
        setChild("norm", BatchNorm2d(inFeatures))
        setChild("relu", ReLU(inplace: true))
        setChild("conv", Conv2d(inFeatures, outFeatures, kernelSize: 1, bias: false))
        setChild("pool", AvgPool2d(kernelSize: 2, stride: 2))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try run("pool", run("conv", run("relu", run("norm", x))))
    }
}

/// torchvision's `DenseNet`: `features` (conv0…norm5) and `classifier`; the forward adds a ReLU
/// and a global average pool that are not modules.
public final class DenseNet: Module {
    public init(
        growth: Int = 32, blocks: [Int] = [6, 12, 24, 16], initFeatures: Int = 64, bnSize: Int = 4,
        numClasses: Int = 1000, generator: inout RandomGenerator
    ) {
        super.init()
        var layers: [(String, Module)] = [
            ("conv0", Conv2d(3, initFeatures, kernelSize: 7, stride: 2, padding: 3, bias: false)),
            ("norm0", BatchNorm2d(initFeatures)),
            ("relu0", ReLU(inplace: true)),
            ("pool0", MaxPool2d(kernelSize: 3, stride: 2, padding: 1)),
        ]
        var features = initFeatures
        for (i, count) in blocks.enumerated() {
            layers.append(("denseblock\(i + 1)", DenseBlock(layers: count, inFeatures: features, growth: growth, bnSize: bnSize)))
            features += count * growth
            if i != blocks.count - 1 {
                layers.append(("transition\(i + 1)", Transition(features, features / 2)))
                features /= 2
            }
        }
        layers.append(("norm5", BatchNorm2d(features)))
        setChild("features", Sequential(named: layers))
        setChild("classifier", Linear(features, numClasses))
        // torchvision: convs kaiming_normal_ (defaults), BN γ=1 β=0, classifier bias 0.
        for m in modules {
            if let conv = m as? Conv2d {
                Init.kaimingNormal(&conv.weight.value, generator: &generator)
            } else if let linear = m as? Linear {
                linear.resetParameters(generator: &generator)
                linear.bias.map { Init.zeros(&$0.value) }
            }
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let f = try run("features", x).relu()
        return try run("classifier", Tensor.adaptiveAvgPool2d(f, outputSize: (1, 1)).flattened())
    }
}
