import NN

/// fastai's `Learner` as `create_cnn` leaves it: data, model, metrics, layer groups, `train_bn`.
public final class Learner {
    public let data: DataBunch
    /// `nn.Sequential(body, head)`.
    public let model: Module
    /// Metric names (`error_rate`).
    public var metrics: [String]
    /// Keep BatchNorm layers trainable in frozen groups (fastai's default, true).
    public var trainBN: Bool
    /// The leaves of the model, split into groups by `split`.
    public private(set) var layerGroups: [[Module]]
    /// The leaf index where each group after the first starts.
    public private(set) var splitIndices: [Int] = []
    /// `learn.opt`: made by `freeze_to` (state reset) or the first `fit`, kept across `fit` calls.
    public var optimizer: LearnerOptimizer?
    /// `learn.wd` (fastai's default 1e-2), used by `fit` when no `wd` is given.
    public var wd: Double = 1e-2
    /// `true_wd` and `bn_wd` (both true by default).
    public var trueWD = true, bnWD = true
    /// `learn.recorder`: what the last `fit` recorded.
    public var recorder = RecorderData()

    /// `ClassificationLearner(data, model, **kwargs)`; one group holding every leaf until `split`.
    public init(data: DataBunch, model: Module, metrics: [String] = [], trainBN: Bool = true, classification: Bool = true)
        throws(FastaiError)
    {
        guard classification else {
            throw FastaiError("Regression CNN not implemented yet, bug us on the forums if you want this!")
        }
        self.data = data
        self.model = model
        self.metrics = metrics
        self.trainBN = trainBN
        layerGroups = [model.leaves]
    }

    /// `learn.split(split_on)`: each split module's first leaf starts a group (`split_model_idx`).
    public func split(_ splitOn: [ModulePath]) throws(FastaiError) {
        var modules: [Module] = []
        for path in splitOn {
            guard let m = path.resolve(in: model) else {
                throw FastaiError("split_on: \(path) does not exist in this model (cut or arch changed the body?)")
            }
            modules.append(m)
        }
        try split(at: modules)
    }

    /// `split` with the modules themselves.
    public func split(at modules: [Module]) throws(FastaiError) {
        let leaves = model.leaves
        var idxs: [Int] = []
        for m in modules {
            let first = m.leaves[0]
            guard let i = leaves.firstIndex(where: { $0 === first }) else {
                throw FastaiError("split_on: \(m.typeName) is not part of the model")
            }
            idxs.append(i)
        }
        splitIndices = idxs
        if idxs.first != 0 { idxs.insert(0, at: 0) }
        if idxs.last != leaves.count { idxs.append(leaves.count) }
        layerGroups = zip(idxs, idxs.dropFirst()).map { Array(leaves[$0..<$1]) }
    }

    /// `freeze_to(n)`: groups before `n` (Python index) stop training — except their BatchNorm
    /// layers while `trainBN` — and groups from `n` on train.
    public func freezeTo(_ n: Int) {
        let cut = n < 0 ? max(0, layerGroups.count + n) : min(n, layerGroups.count)
        for group in layerGroups[..<cut] {
            for leaf in group where !(trainBN && leaf is BatchNorm) { leaf.setRequiresGrad(false) }
        }
        for group in layerGroups[cut...] { for leaf in group { leaf.setRequiresGrad(true) } }
        // `create_opt(defaults.lr)`: a new optimizer over what trains now (Adam state reset, wd 0
        // until the next fit sets it).
        optimizer = try? makeOptimizer(lr: .fastaiDefault, wd: 0)
    }

    /// `OptimWrapper.create(AdamW, lr_range(lr), layer_groups, wd, true_wd, bn_wd)`.
    public func makeOptimizer(lr: LearningRate, wd: Double) throws(TrainingError) -> LearnerOptimizer {
        try LearnerOptimizer(layerGroups: layerGroups, lr: lr.perGroup(layerGroups: layerGroups.count), wd: wd, trueWD: trueWD, bnWD: bnWD)
    }

    /// `freeze()` = `freeze_to(-1)`: only the last group (the head) trains. fastai asserts there is
    /// more than one group.
    public func freeze() throws(FastaiError) {
        guard layerGroups.count > 1 else {
            throw FastaiError("freeze needs more than one layer group, but split made \(layerGroups.count)")
        }
        freezeTo(-1)
    }

    /// `unfreeze()` = `freeze_to(0)`.
    public func unfreeze() { freezeTo(0) }

    /// Parameters of a group (each parameter once).
    public static func parameters(of group: [Module]) -> [Parameter] {
        var seen = Set<ObjectIdentifier>()
        return group.flatMap(\.parameters).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }
}
