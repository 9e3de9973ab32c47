import Foundation
import NN
import Tensors

/// fastai v1's `learn.save(name, with_opt=True)` and `learn.load(name)` as one safetensors file.
///
/// Layout (docs/architecture.md): the model's state dict under PyTorch's names (`0.0.weight`,
/// `0.1.running_mean`, `1.8.bias`, … — what `forward`/`backward` read); per parameter with Adam state
/// `opt.<name>.exp_avg`, `opt.<name>.exp_avg_sq` (f32, the parameter's shape) and `opt.<name>.step`
/// (i64 scalar); and in `__metadata__` the `SavedModelInfo` entries plus `optimizer`, a JSON object with the
/// per-layer-group `lr`, `mom`, `beta`, `wd`, Adam's `eps`, `true_wd`, `bn_wd` and the param-group layout
/// `params` (`[{name, layer_group, decay}]` in slot order).
extension Learner {
    /// The prefix of the optimizer's tensors.
    public static let optimizerPrefix = "opt."

    /// The optimizer's hyper-parameters and param-group layout as saved (`optimizer` in `__metadata__`).
    struct OptimizerRecord: Codable, Equatable {
        struct Slot: Codable, Equatable {
            var name: String
            var layer_group: Int
            var decay: Bool
        }
        var lr: [Double]
        var mom: [Double]
        var beta: [Double]
        var wd: [Double]
        var eps: Double
        var true_wd: Bool
        var bn_wd: Bool
        var params: [Slot]
    }

    /// Dotted names of the model's parameters, by identity.
    private var parameterNames: [ObjectIdentifier: String] {
        Dictionary(model.namedParameters().map { (ObjectIdentifier($0.parameter), $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    private func slotRecords(_ opt: LearnerOptimizer) -> [OptimizerRecord.Slot] {
        let names = parameterNames
        return zip(opt.parameters, opt.adam.slots).map {
            OptimizerRecord.Slot(name: names[ObjectIdentifier($0.0)] ?? "?", layer_group: $0.1.layerGroup, decay: $0.1.inDecayGroup)
        }
    }

    /// The archive `save` writes: the state dict, and with `withOpt` the optimizer (when there is one).
    public func savedArchive(info: SavedModelInfo, withOpt: Bool = true) -> SafetensorsArchive {
        var archive = model.stateArchive()
        archive.metadata = info.metadata
        guard withOpt, let opt = optimizer else { return archive }
        let slots = slotRecords(opt)
        for (i, slot) in slots.enumerated() {
            guard let state = opt.adam.states[i] else { continue }
            let shape = opt.parameters[i].value.shape
            let key = Self.optimizerPrefix + slot.name
            archive.tensors[key + ".exp_avg"] = Tensor(shape: shape, storage: state.expAvg)
            archive.tensors[key + ".exp_avg_sq"] = Tensor(shape: shape, storage: state.expAvgSq)
            archive.tensors[key + ".step"] = Tensor(shape: [], storage: [Float(state.step)])
            archive.dtypes[key + ".step"] = .i64
        }
        let a = opt.adam
        let record = OptimizerRecord(
            lr: a.lr, mom: a.mom, beta: a.beta, wd: a.wd, eps: a.eps, true_wd: a.trueWD, bn_wd: a.bnWD, params: slots)
        archive.metadata["optimizer"] = SavedModelInfo.json(record)
        return archive
    }

    /// `learn.save(file, with_opt=True)`.
    public func save(to url: URL, info: SavedModelInfo, withOpt: Bool = true) throws {
        try savedArchive(info: info, withOpt: withOpt).write(to: url)
    }

    /// `learn.load(file, with_opt=True)`: reads the file, checks it (see `load(_:source:arch:withOpt:)`)
    /// and returns its metadata.
    @discardableResult
    public func load(from url: URL, arch: String, withOpt: Bool = true) throws -> SavedModelInfo {
        try load(SafetensorsArchive.read(contentsOf: url), source: url.lastPathComponent, arch: arch, withOpt: withOpt)
    }

    /// Loads a saved learner into this one. Everything is checked before anything changes: the file's arch
    /// and classes against this learner's, every state-dict key and shape (missing, unexpected and
    /// mis-shaped keys named, as `load_state_dict(strict=True)`), and with `withOpt` the optimizer's
    /// param-group layout (the same parameters in the same groups: freeze the learner as it was when
    /// saved) and every moment's shape. fastai v1 silently keeps a fresh optimizer when its
    /// `load_state_dict` fails (G22); this refuses instead. Freezing itself is not restored (as in fastai).
    @discardableResult
    public func load(_ archive: SafetensorsArchive, source: String, arch: String, withOpt: Bool = true) throws -> SavedModelInfo {
        let info = try SavedModelInfo(metadata: archive.metadata, source: source)
        guard info.arch == arch else {
            throw TrainingError("\(source) holds a \(info.arch) learner, but this learner is \(arch) (use --arch \(info.arch))")
        }
        guard info.classes == data.classes else {
            throw TrainingError(
                "\(source) was trained on \(info.classes.count) classes (\(info.classes.prefix(5).joined(separator: ", "))…), this learner has \(data.classes.count) (\(data.classes.prefix(5).joined(separator: ", "))…)"
            )
        }
        let modelState = archive.tensors.filter { !$0.key.hasPrefix(Self.optimizerPrefix) }
        let optState = archive.tensors.filter { $0.key.hasPrefix(Self.optimizerPrefix) }
        // The optimizer, checked before the model changes.
        var restoredOpt: LearnerOptimizer?
        if withOpt, let text = archive.metadata["optimizer"] {
            guard let record = SavedModelInfo.decode(OptimizerRecord.self, text) else {
                throw TrainingError("\(source): __metadata__ \"optimizer\" is not the expected JSON object")
            }
            restoredOpt = try restoredOptimizer(record, tensors: optState, source: source)
        } else if !optState.isEmpty && withOpt {
            throw TrainingError("\(source) has optimizer tensors (\(optState.keys.sorted()[0]), …) but no \"optimizer\" entry in __metadata__")
        }
        do { try model.loadStateDict(modelState, strict: true, source: source) } catch {
            throw TrainingError(error.description)
        }
        if let restoredOpt { optimizer = restoredOpt }
        return info
    }

    private func restoredOptimizer(_ record: OptimizerRecord, tensors: [String: Tensor], source: String) throws -> LearnerOptimizer {
        // `if not hasattr(self, 'opt'): self.create_opt(defaults.lr, self.wd)`.
        var opt = try optimizer ?? makeOptimizer(lr: .fastaiDefault, wd: wd)
        let mine = slotRecords(opt)
        guard record.params == mine else {
            let theirs = Set(record.params.map(\.name)), ours = Set(mine.map(\.name))
            let onlyFile = record.params.map(\.name).filter { !ours.contains($0) }
            let onlyHere = mine.map(\.name).filter { !theirs.contains($0) }
            var why: [String] = []
            if !onlyFile.isEmpty {
                why.append("the file trains \(onlyFile.count) parameter(s) this learner does not (\(onlyFile.prefix(3).joined(separator: ", "))…)")
            }
            if !onlyHere.isEmpty {
                why.append("this learner trains \(onlyHere.count) the file does not (\(onlyHere.prefix(3).joined(separator: ", "))…)")
            }
            if why.isEmpty { why.append("the same parameters sit in different layer groups or param groups") }
            throw TrainingError(
                "\(source): the saved optimizer does not fit this learner's: \(why.joined(separator: "; ")). Freeze the learner as it was when saved (--pretrained/--no-pretrained), or load without the optimizer"
            )
        }
        guard record.lr.count == layerGroups.count, record.mom.count == layerGroups.count, record.beta.count == layerGroups.count,
            record.wd.count == layerGroups.count
        else {
            throw TrainingError(
                "\(source): the saved optimizer has hyper-parameters for \(record.lr.count) layer groups, this learner has \(layerGroups.count)")
        }
        guard record.true_wd == opt.adam.trueWD, record.bn_wd == opt.adam.bnWD else {
            throw TrainingError(
                "\(source): saved with true_wd=\(record.true_wd), bn_wd=\(record.bn_wd); this learner has true_wd=\(opt.adam.trueWD), bn_wd=\(opt.adam.bnWD)"
            )
        }
        var expected = Set<String>()
        var states: [AdamW.State?] = []
        for (slot, p) in zip(mine, opt.parameters) {
            let key = Self.optimizerPrefix + slot.name
            let names = [key + ".exp_avg", key + ".exp_avg_sq", key + ".step"]
            let present = names.filter { tensors[$0] != nil }
            expected.formUnion(names)
            if present.isEmpty {
                states.append(nil)
                continue
            }
            guard present.count == 3, let m = tensors[names[0]], let v = tensors[names[1]], let s = tensors[names[2]] else {
                let missing = names.filter { tensors[$0] == nil }
                throw TrainingError("\(source): missing optimizer key(s): \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            for (name, t) in [(names[0], m), (names[1], v)] where t.shape != p.value.shape {
                throw TrainingError(
                    "\(source): size mismatch for \(name): shape \(Tensor.describe(t.shape)) in the file, the parameter is \(Tensor.describe(p.value.shape))"
                )
            }
            guard s.count == 1, let step = s.storage.first.flatMap({ Int(exactly: $0) }), step >= 1 else {
                throw TrainingError("\(source): \(names[2]) must be one positive whole number, got \(s.storage.prefix(3))")
            }
            states.append(AdamW.State(expAvg: m.storage, expAvgSq: v.storage, step: step))
        }
        let unexpected = tensors.keys.filter { !expected.contains($0) }.sorted()
        if !unexpected.isEmpty {
            throw TrainingError("\(source): unexpected optimizer key(s): \(unexpected.prefix(5).map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        try opt.adam.restore(states: states, counts: opt.parameters.map(\.count))
        opt.adam.lr = record.lr
        opt.adam.mom = record.mom
        opt.adam.beta = record.beta
        opt.adam.wd = record.wd
        opt.adam.eps = record.eps
        return opt
    }
}
