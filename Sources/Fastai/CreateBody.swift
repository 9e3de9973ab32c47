import NN
import Tensors

extension Cut {
    /// How many leading children `list(model.children())[:cut]` keeps: Python's slice rule for an
    /// index (negative counts from the end, out of range clamps), and for `cut=None` the position of
    /// the last child that contains a pooling layer (fastai ≥ 1.0.48's rule).
    public func keptChildren(of model: Module) throws(FastaiError) -> Int {
        let count = model.children.count
        switch self {
        case .index(let i):
            return i < 0 ? max(0, count + i) : min(i, count)
        case .lastPool:
            guard let i = model.children.lastIndex(where: containsPooling) else {
                throw FastaiError("cut=None: no child of \(model.typeName) contains a pooling layer, so there is nowhere to cut")
            }
            return i
        }
    }
}

/// `create_body(model, cut)`: `nn.Sequential(*list(model.children())[:cut])`.
///
/// The body shares its layers with `model` (no copy), just as in PyTorch. fastai slices without
/// checking, so an empty body only fails on the next line (`num_features_model`); by default this
/// says so at once, and `allowingEmpty` gives fastai's empty `Sequential` for a lesson to show that.
public func createBody(_ model: Module, cut: Cut, allowingEmpty: Bool = false) throws(FastaiError) -> Sequential {
    let kids = model.children
    let end = try cut.keptChildren(of: model)
    guard end > 0 || allowingEmpty else {
        throw FastaiError(
            "cut \(cut) keeps none of the \(kids.count) children of \(model.typeName) (\(kids.map(\.typeName).joined(separator: ", "))): the body would be empty"
        )
    }
    return Sequential(Array(kids[..<end]))
}

/// `arch(pretrained)`: the torchvision model with its default initialisation, and the pretrained
/// weights loaded into it when asked for and found.
public struct LoadedArchitecture {
    public var arch: Architecture
    public var model: Module
    /// Where weights were looked for (nil when `pretrained` was false).
    public var weights: PretrainedWeights?
    /// Whether pretrained weights were found and loaded.
    public var loaded: Bool
}

/// Builds `arch` (drawing its initialisation from `generator`) and, when `pretrained`, loads the
/// weights `weights` found (or `PretrainedWeights.locate(arch)` finds). Without a file the model
/// keeps its random initialisation and `loaded` says so.
public func loadArchitecture(
    _ arch: Architecture, pretrained: Bool, weights: PretrainedWeights? = nil, generator: inout RandomGenerator
) throws -> LoadedArchitecture {
    let model = arch.make(generator: &generator)
    let lookup = pretrained ? (weights ?? PretrainedWeights.locate(arch)) : nil
    let loaded = try lookup?.load(into: model) ?? false
    return LoadedArchitecture(arch: arch, model: model, weights: lookup, loaded: loaded)
}

/// What line 2 of `create_cnn` built: the whole model, the cut used, the body, and the first
/// layer's adaptation when the images do not have 3 channels.
public struct BodyBuild {
    public var full: LoadedArchitecture
    public var cut: Cut
    public var body: Sequential
    public var firstLayerChange: FirstLayerChange?
}

/// Line 2 of `create_cnn`: `body = create_body(arch(pretrained), ifnone(cut, meta['cut']))`, with
/// the first conv adapted to `inChannels` (fastai v2's `n_in`) before the cut.
public func createBody(
    arch: Architecture, meta: ModelMeta, cut: Cut?, pretrained: Bool, inChannels: Int = 3, weights: PretrainedWeights? = nil,
    generator: inout RandomGenerator
) throws -> BodyBuild {
    let full = try loadArchitecture(arch, pretrained: pretrained, weights: weights, generator: &generator)
    let change = try updateFirstLayer(full.model, nIn: inChannels, pretrained: full.loaded, generator: &generator)
    let usedCut = cut ?? meta.cut
    let body = try createBody(full.model, cut: usedCut)
    return BodyBuild(full: full, cut: usedCut, body: body, firstLayerChange: change)
}

/// fastai's `is_pool_type`: the class name ends in `Pool1d`, `Pool2d` or `Pool3d`.
public func isPoolType(_ m: Module) -> Bool {
    ["Pool1d", "Pool2d", "Pool3d"].contains { m.typeName.hasSuffix($0) }
}

/// fastai's `has_pool_type`: the module or any descendant is a pooling layer.
public func containsPooling(_ m: Module) -> Bool { m.modules.contains(where: isPoolType) }
