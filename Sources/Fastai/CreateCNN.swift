import NN
import Tensors

/// Everything `create_cnn` computed on the way, so a lesson can show any line's result.
public struct CNNBuild {
    public var learner: Learner
    public var arch: Architecture
    public var meta: ModelMeta
    public var cut: Cut
    public var body: Module
    public var probe: FeatureProbe
    public var nf: Int
    public var head: Module
    public var weights: PretrainedWeights?
    public var pretrainedLoaded: Bool
    public var firstLayerChange: FirstLayerChange?
    public var initialized: [InitializedLayer]
    /// The whole torchvision model the body was cut from, and where its weights came from.
    public var architecture: LoadedArchitecture
    public var model: Module { learner.model }
}

/// `create_cnn(data, arch, cut, pretrained, lin_ftrs, ps, custom_head, split_on, classification)`,
/// line by line in fastai v1's order. `pretrained` loads torchvision weights when a file is found
/// and freezes either way, as fastai does; `inChannels` ≠ 3 adapts the first conv (fastai v2's
/// `n_in`) before the body is cut. `initHead: false` leaves out line 9 (`apply_init`), so the head
/// keeps PyTorch's default initialisation — for showing what that line is for.
public func createCNN(
    data: DataBunch, arch: Architecture, cut: Cut? = nil, pretrained: Bool = true, linFtrs: [Int]? = nil,
    ps: DropoutSpec = .single(0.5), customHead: Module? = nil, splitOn: [ModulePath]? = nil,
    classification: Bool = true, inChannels: Int = 3, weights: PretrainedWeights? = nil, seed: UInt64 = 42,
    initHead: Bool = true
) throws -> CNNBuild {
    guard classification else {
        throw FastaiError("Regression CNN not implemented yet, bug us on the forums if you want this!")
    }
    var generator = RandomGenerator(seed: seed)
    let meta = cnnConfig(arch)  // 1
    let built = try createBody(
        arch: arch, meta: meta, cut: cut, pretrained: pretrained, inChannels: inChannels, weights: weights, generator: &generator)  // 2
    let body = built.body
    let probe = try numFeaturesModel(body, generator: &generator)  // 3
    let nf = probe.features * 2
    let head = try customHead ?? createHead(nf: nf, nc: data.c, linFtrs: linFtrs, ps: ps, generator: &generator)  // 4
    let model = Sequential(body, head)  // 5
    let learner = try Learner(data: data, model: model, metrics: ["error_rate"])  // 6
    try learner.split(splitOn ?? meta.split)  // 7
    if pretrained { try learner.freeze() }  // 8
    let initialized = initHead ? applyInit(head, generator: &generator) : []  // 9
    return CNNBuild(
        learner: learner, arch: arch, meta: meta, cut: built.cut, body: body, probe: probe, nf: nf, head: head,
        weights: built.full.weights, pretrainedLoaded: built.full.loaded, firstLayerChange: built.firstLayerChange,
        initialized: initialized, architecture: built.full)
}
