import Tensors

/// torchvision's `BasicBlock` (resnet18/34): 3×3 conv–bn–relu–3×3 conv–bn, plus the identity
/// (or a 1×1 downsample), then relu. The single `relu` child is used twice.
public final class BasicBlock: Module {
    static let expansion = 1

    init(_ inplanes: Int, _ planes: Int, stride: Int, downsample: Module?) {
        super.init()
        setChild("conv1", Conv2d(inplanes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false))
        setChild("bn1", BatchNorm2d(planes))
        setChild("relu", ReLU(inplace: true))
        setChild("conv2", Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false))
        setChild("bn2", BatchNorm2d(planes))
        if let downsample { setChild("downsample", downsample) }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let out = try runConvBN("conv1", "bn1", relu: "relu", x)
        return try runConvBN("conv2", "bn2", residual: { try self.identity(x) }, relu: "relu", out)
    }
}

/// torchvision's `Bottleneck` (resnet50+): 1×1 reduce, 3×3 (carrying the stride), 1×1 expand ×4.
public final class Bottleneck: Module {
    static let expansion = 4

    init(_ inplanes: Int, _ planes: Int, stride: Int, downsample: Module?) {
        super.init()
        setChild("conv1", Conv2d(inplanes, planes, kernelSize: 1, bias: false))
        setChild("bn1", BatchNorm2d(planes))
        setChild("conv2", Conv2d(planes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false))
        setChild("bn2", BatchNorm2d(planes))
        setChild("conv3", Conv2d(planes, planes * Self.expansion, kernelSize: 1, bias: false))
        setChild("bn3", BatchNorm2d(planes * Self.expansion))
        setChild("relu", ReLU(inplace: true))
        if let downsample { setChild("downsample", downsample) }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var out = try runConvBN("conv1", "bn1", relu: "relu", x)
        out = try runConvBN("conv2", "bn2", relu: "relu", out)
        return try runConvBN("conv3", "bn3", residual: { try self.identity(x) }, relu: "relu", out)
    }
}

/// torchvision's `ResNet`: conv1, bn1, relu, maxpool, layer1–4, avgpool, fc.
public final class ResNet: Module {
    /// Which residual block the stages use.
    public enum Block: Sendable { case basic, bottleneck }

    public init(block: Block, layers: [Int], numClasses: Int = 1000, generator: inout RandomGenerator) {
        super.init()
        let expansion = block == .basic ? BasicBlock.expansion : Bottleneck.expansion
        var inplanes = 64
        setChild("conv1", Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false))
        setChild("bn1", BatchNorm2d(64))
        setChild("relu", ReLU(inplace: true))
        setChild("maxpool", MaxPool2d(kernelSize: 3, stride: 2, padding: 1))
        for (stage, (planes, count)) in zip([64, 128, 256, 512], layers).enumerated() {
            let stride = stage == 0 ? 1 : 2
            var blocks: [Module] = []
            for i in 0..<count {
                let s = i == 0 ? stride : 1
                var downsample: Module? = nil
                if i == 0 && (s != 1 || inplanes != planes * expansion) {
                    downsample = Sequential(
                        Conv2d(inplanes, planes * expansion, kernelSize: 1, stride: s, bias: false),
                        BatchNorm2d(planes * expansion))
                }
                blocks.append(
                    block == .basic
                        ? BasicBlock(inplanes, planes, stride: s, downsample: downsample)
                        : Bottleneck(inplanes, planes, stride: s, downsample: downsample))
                inplanes = planes * expansion
            }
            setChild("layer\(stage + 1)", Sequential(blocks))
        }
        setChild("avgpool", AdaptiveAvgPool2d(.pair(1, 1)))
        setChild("fc", Linear(512 * expansion, numClasses))
        // torchvision: convs kaiming_normal_(fan_out, relu); BN γ=1, β=0; fc keeps nn.Linear's default.
        for m in modules {
            if let conv = m as? Conv2d {
                Init.kaimingNormal(&conv.weight.value, mode: .fanOut, nonlinearity: .relu, generator: &generator)
            } else if let linear = m as? Linear {
                linear.resetParameters(generator: &generator)
            }
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var y = try runConvBN("conv1", "bn1", relu: "relu", x)
        for name in ["maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool"] {
            y = try run(name, y)
        }
        return try run("fc", y.flattened())
    }
}

extension Module {
    /// A residual block's shortcut: the input itself, or its `downsample` (1×1 conv + batch norm).
    fileprivate func identity(_ x: Tensor) throws -> Tensor {
        child("downsample") == nil ? x : try run("downsample", x)
    }
}
