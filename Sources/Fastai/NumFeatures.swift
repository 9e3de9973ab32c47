import NN
import Tensors

/// What `num_features_model` measured: the dummy pass that succeeded and each child's output.
public struct FeatureProbe: Sendable, Equatable {
    /// Side of the square dummy image that went through (64 unless that was too small).
    public var size: Int
    /// The input channels read off the first layer with a weight.
    public var inChannels: Int
    /// Each direct child's output shape, in order (`model_sizes`).
    public var childShapes: [[Int]]
    /// Sizes that failed first, with the reason.
    public var failures: [(size: Int, error: String)]

    /// The channel dimension of the last child's output: the body's feature count.
    public var features: Int { childShapes.last.map { $0.count > 1 ? $0[1] : $0[0] } ?? 0 }

    public static func == (l: FeatureProbe, r: FeatureProbe) -> Bool {
        l.size == r.size && l.inChannels == r.inChannels && l.childShapes == r.childShapes
            && l.failures.map(\.size) == r.failures.map(\.size)
    }
}

/// fastai's `in_channels`: `weight.shape[1]` of the first leaf that has a weight.
public func inChannels(_ m: Module) throws(FastaiError) -> Int {
    for leaf in m.leaves {
        if let w = leaf.parameter("weight"), w.value.rank >= 2 { return w.value.shape[1] }
    }
    throw FastaiError("No weight layer")
}

/// `model_sizes(m, size)`: hooks every direct child, runs one uniform(-1, 1) image of the given
/// size through `m` in eval mode (which stays set, as in fastai) and returns each child's output shape.
public func modelSizes(_ m: Module, size: Int, generator: inout RandomGenerator) throws -> [[Int]] {
    let channels = try inChannels(m)
    m.eval()
    return try m.outputShapesOfChildren(Tensor.uniform([1, channels, size, size], low: -1, high: 1, generator: &generator)).shapes
}

/// `num_features_model(m)`: the dummy pass at 64×64, retried at 128, 256, … 2048 when a layer
/// finds the image too small.
public func numFeaturesModel(_ m: Module, generator: inout RandomGenerator) throws -> FeatureProbe {
    var size = 64
    var failures: [(Int, String)] = []
    while true {
        do {
            let shapes = try modelSizes(m, size: size, generator: &generator)
            return FeatureProbe(size: size, inChannels: try inChannels(m), childShapes: shapes, failures: failures)
        } catch let error as FastaiError {
            throw error
        } catch {
            failures.append((size, "\(error)"))
            size *= 2
            if size > 2048 { throw error }
        }
    }
}
