import Tensors

/// torchvision's `VGG` with batch norm: `features`, `avgpool` (7×7), `classifier`.
public final class VGG: Module {
    /// Configuration "D" (vgg16): channel counts, 0 for a max pool.
    public static let configD = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]

    public init(config: [Int] = VGG.configD, numClasses: Int = 1000, generator: inout RandomGenerator) {
        super.init()
        var layers: [Module] = []
        var channels = 3
        for v in config {
            if v == 0 {
                layers.append(MaxPool2d(kernelSize: 2, stride: 2))
            } else {
                layers += [Conv2d(channels, v, kernelSize: 3, padding: 1), BatchNorm2d(v), ReLU(inplace: true)]
                channels = v
            }
        }
        setChild("features", Sequential(layers))
        setChild("avgpool", AdaptiveAvgPool2d(.pair(7, 7)))
        setChild(
            "classifier",
            Sequential(
                Linear(512 * 7 * 7, 4096), ReLU(inplace: true), Dropout(p: 0.5),
                Linear(4096, 4096), ReLU(inplace: true), Dropout(p: 0.5),
                Linear(4096, numClasses)))
        // torchvision: convs kaiming_normal_(fan_out, relu) with zero bias; BN 1/0; linears N(0, 0.01), zero bias.
        for m in modules {
            if let conv = m as? Conv2d {
                Init.kaimingNormal(&conv.weight.value, mode: .fanOut, nonlinearity: .relu, generator: &generator)
            } else if let linear = m as? Linear {
                Init.normal(&linear.weight.value, std: 0.01, generator: &generator)
            }
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try run("classifier", run("avgpool", run("features", x)).flattened())
    }
}

/// torchvision's `AlexNet`: `features`, `avgpool` (6×6), `classifier`; PyTorch's default init.
public final class AlexNet: Module {
    public init(numClasses: Int = 1000, generator: inout RandomGenerator) {
        super.init()
        setChild(
            "features",
            Sequential(
                Conv2d(3, 64, kernelSize: 11, stride: 4, padding: 2), ReLU(inplace: true),
                MaxPool2d(kernelSize: 3, stride: 2),
                Conv2d(64, 192, kernelSize: 5, padding: 2), ReLU(inplace: true), MaxPool2d(kernelSize: 3, stride: 2),
                Conv2d(192, 384, kernelSize: 3, padding: 1), ReLU(inplace: true),
                Conv2d(384, 256, kernelSize: 3, padding: 1), ReLU(inplace: true),
                Conv2d(256, 256, kernelSize: 3, padding: 1), ReLU(inplace: true),
                MaxPool2d(kernelSize: 3, stride: 2)))
        setChild("avgpool", AdaptiveAvgPool2d(.pair(6, 6)))
        setChild(
            "classifier",
            Sequential(
                Dropout(p: 0.5), Linear(256 * 6 * 6, 4096), ReLU(inplace: true),
                Dropout(p: 0.5), Linear(4096, 4096), ReLU(inplace: true),
                Linear(4096, numClasses)))
        for m in modules { m.resetParameters(generator: &generator) }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try run("classifier", run("avgpool", run("features", x)).flattened())
    }
}
