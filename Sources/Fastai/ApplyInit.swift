import NN
import Tensors

/// One layer `apply_init` re-initialised, with the spread it was aiming for and the one it got.
public struct InitializedLayer: Sendable, Equatable {
    /// Dotted path inside the module passed to `applyInit` (`5`, `9`).
    public var name: String
    public var typeName: String
    public var weightShape: [Int]
    /// √2 / √fan_in: `kaiming_normal_`'s target.
    public var expectedStd: Double
    /// The standard deviation of the new weights.
    public var measuredStd: Double
    public var measuredMean: Double
    /// Whether the layer had a bias to set to zero (v2's Linear after a BatchNorm has none).
    public var zeroedBias = false
}

/// `apply_init(m, kaiming_normal_)`: every module that is not BatchNorm and whose first parameter
/// trains gets `kaiming_normal_(weight)` (a=0, fan_in, leaky_relu: gain √2) and a zero bias.
@discardableResult
public func applyInit(_ m: Module, generator: inout RandomGenerator) -> [InitializedLayer] {
    var done: [InitializedLayer] = []
    var seen = Set<ObjectIdentifier>()
    for (name, module) in m.namedModules() where seen.insert(ObjectIdentifier(module)).inserted {
        guard !(module is BatchNorm), let first = module.parameters.first, first.requiresGrad else { continue }
        guard let weight = module.parameter("weight") else { continue }
        Init.kaimingNormal(&weight.value, generator: &generator)
        if let bias = module.parameter("bias") { Init.zeros(&bias.value) }
        let stats = weight.value.meanAndStd
        done.append(
            InitializedLayer(
                name: name, typeName: module.typeName, weightShape: weight.value.shape,
                expectedStd: Init.kaimingStd(weight.value.shape), measuredStd: stats.std, measuredMean: stats.mean,
                zeroedBias: module.parameter("bias") != nil))
    }
    return done
}
