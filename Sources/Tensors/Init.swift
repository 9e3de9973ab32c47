/// The nonlinearity a weight feeds, which fixes the gain of PyTorch's initialisers.
public enum Nonlinearity: Sendable, Equatable {
    case linear, conv, sigmoid, tanh, relu, selu
    case leakyReLU(negativeSlope: Double)

    /// `torch.nn.init.calculate_gain`.
    public var gain: Double {
        switch self {
        case .linear, .conv, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: 2.0.squareRoot()
        case .selu: 3.0 / 4
        case .leakyReLU(let a): (2 / (1 + a * a)).squareRoot()
        }
    }
}

/// Which fan PyTorch's Kaiming initialisers preserve.
public enum FanMode: String, Sendable {
    case fanIn = "fan_in"
    case fanOut = "fan_out"
}

/// PyTorch's initialisation formulas (`torch.nn.init`), applied in place.
public enum Init {
    /// `_calculate_fan_in_and_fan_out`: fan_in = size(1)·receptive field, fan_out = size(0)·receptive field.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// The standard deviation `kaiming_normal_` uses: gain / √fan.
    public static func kaimingStd(_ shape: [Int], mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyReLU(negativeSlope: 0)) -> Double {
        let (fi, fo) = fans(shape)
        return nonlinearity.gain / Double(mode == .fanIn ? fi : fo).squareRoot()
    }

    /// `kaiming_normal_(t, a, mode, nonlinearity)`; PyTorch's defaults are a=0, fan_in, leaky_relu.
    public static func kaimingNormal(
        _ t: inout Tensor, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyReLU(negativeSlope: 0),
        generator: inout RandomGenerator
    ) {
        t = .normal(t.shape, std: Float(kaimingStd(t.shape, mode: mode, nonlinearity: nonlinearity)), generator: &generator)
    }

    /// `kaiming_uniform_`: bound = gain · √(3 / fan).
    public static func kaimingUniform(
        _ t: inout Tensor, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyReLU(negativeSlope: 0),
        generator: inout RandomGenerator
    ) {
        let bound = Float(kaimingStd(t.shape, mode: mode, nonlinearity: nonlinearity) * 3.0.squareRoot())
        t = .uniform(t.shape, low: -bound, high: bound, generator: &generator)
    }

    /// `normal_(mean, std)`.
    public static func normal(_ t: inout Tensor, mean: Float = 0, std: Float = 1, generator: inout RandomGenerator) {
        t = .normal(t.shape, mean: mean, std: std, generator: &generator)
    }

    /// `uniform_(low, high)`.
    public static func uniform(_ t: inout Tensor, low: Float = 0, high: Float = 1, generator: inout RandomGenerator) {
        t = .uniform(t.shape, low: low, high: high, generator: &generator)
    }

    /// `zeros_`.
    public static func zeros(_ t: inout Tensor) { t = .zeros(t.shape) }

    /// `ones_`.
    public static func ones(_ t: inout Tensor) { t = .ones(t.shape) }

    /// `constant_`.
    public static func constant(_ t: inout Tensor, _ value: Float) { t = Tensor(shape: t.shape, repeating: value) }

    /// The default of `nn.Linear` and `nn.Conv2d` (`reset_parameters`): weight
    /// `kaiming_uniform_(a=√5)`, i.e. U(-1/√fan_in, 1/√fan_in), and bias U(-1/√fan_in, 1/√fan_in).
    public static func pytorchDefault(weight: inout Tensor, bias: inout Tensor?, generator: inout RandomGenerator) {
        kaimingUniform(&weight, nonlinearity: .leakyReLU(negativeSlope: 5.0.squareRoot()), generator: &generator)
        if var b = bias {
            let bound = Float(1 / Double(fans(weight.shape).fanIn).squareRoot())
            uniform(&b, low: -bound, high: bound, generator: &generator)
            bias = b
        }
    }
}

extension Tensor {
    /// Mean and (population) standard deviation of all elements, computed in Double.
    public var meanAndStd: (mean: Double, std: Double) {
        guard count > 0 else { return (0, 0) }
        let mean = storage.reduce(0.0) { $0 + Double($1) } / Double(count)
        let v = storage.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(count)
        return (mean, v.squareRoot())
    }

    /// The largest absolute element.
    public var maxAbs: Float { storage.reduce(0) { Swift.max($0, abs($1)) } }
}
