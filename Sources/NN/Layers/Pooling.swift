import Tensors

/// `nn.MaxPool2d`.
public final class MaxPool2d: Module {
    public let geometry: PoolGeometry

    /// Square window, stride (defaults to the kernel) and padding.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        let s = stride ?? kernelSize
        geometry = PoolGeometry(
            kernel: (kernelSize, kernelSize), stride: (s, s), padding: (padding, padding), dilation: (dilation, dilation),
            ceilMode: ceilMode)
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try Tensor.maxPool2d(x, geometry) }

    public override var extraRepr: String {
        let g = geometry
        return
            "kernel_size=\(g.kernel.0), stride=\(g.stride.0), padding=\(g.padding.0), dilation=\(g.dilation.0), ceil_mode=\(g.ceilMode ? "True" : "False")"
    }
}

/// `nn.AvgPool2d`.
public final class AvgPool2d: Module {
    public let geometry: PoolGeometry
    public let countIncludePad: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        let s = stride ?? kernelSize
        geometry = PoolGeometry(kernel: (kernelSize, kernelSize), stride: (s, s), padding: (padding, padding), ceilMode: ceilMode)
        self.countIncludePad = countIncludePad
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.avgPool2d(x, geometry, countIncludePad: countIncludePad)
    }

    public override var extraRepr: String {
        "kernel_size=\(geometry.kernel.0), stride=\(geometry.stride.0), padding=\(geometry.padding.0)"
    }
}

/// An adaptive pool's target size, printed the way it was given (`1` or `(1, 1)`).
public enum PoolOutputSize: Sendable, Equatable {
    case square(Int)
    case pair(Int, Int)

    var size: (Int, Int) {
        switch self {
        case .square(let s): (s, s)
        case .pair(let h, let w): (h, w)
        }
    }

    var python: String {
        switch self {
        case .square(let s): "\(s)"
        case .pair(let h, let w): "(\(h), \(w))"
        }
    }
}

/// `nn.AdaptiveAvgPool2d`.
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: PoolOutputSize
    public init(_ outputSize: PoolOutputSize) {
        self.outputSize = outputSize
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.adaptiveAvgPool2d(x, outputSize: outputSize.size)
    }
    public override var extraRepr: String { "output_size=\(outputSize.python)" }
}

/// `nn.AdaptiveMaxPool2d`.
public final class AdaptiveMaxPool2d: Module {
    public let outputSize: PoolOutputSize
    public init(_ outputSize: PoolOutputSize) {
        self.outputSize = outputSize
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.adaptiveMaxPool2d(x, outputSize: outputSize.size)
    }
    public override var extraRepr: String { "output_size=\(outputSize.python)" }
}
