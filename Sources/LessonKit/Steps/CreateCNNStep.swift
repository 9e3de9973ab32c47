import Fastai
import NN

/// `learn = create_cnn(data, arch, metrics=error_rate)` in one line, for lessons about what comes
/// after it (the nine lines inside it have their own steps): the model, its layer groups, what is
/// frozen, and which weights the body has.
public struct CreateCNNStep: LessonStep {
    public static let id = "create_cnn"
    public static let title = "Create the learner"
    public static let source = "learn = create_cnn(data, models.resnet34, metrics=error_rate)"
    public static let facts: FactSchema = [
        "arch", "pretrained", "pretrained_loaded", "weights", "nf", "c", "layer_groups", "trainable", "total", "frozen", "ps", "train_bn",
    ]
    public var access: StepAccess {
        StepAccess(needs: [Slots.data], makes: [Slots.architecture, Slots.body, Slots.head, Slots.model, Slots.learn, Slots.layerGroups, Slots.nf])
    }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let data = try state.need(Slots.data)
        let weights = p.pretrained ? state.locateWeights(p.arch) : nil
        let build = try createCNN(
            data: data, arch: p.arch, cut: p.cut, pretrained: p.pretrained, linFtrs: p.linFtrs, ps: p.ps, inChannels: p.inChannels,
            weights: weights, seed: p.seed)
        build.learner.trainBN = p.trainBN
        if p.pretrained { try build.learner.freeze() }  // again, now with the lesson's train_bn
        try state.make(Slots.architecture, build.architecture)
        try state.make(Slots.body, build.body as? Sequential)
        try state.make(Slots.head, build.head)
        try state.make(Slots.model, build.model)
        try state.make(Slots.learn, build.learner)
        try state.make(Slots.layerGroups, build.learner.layerGroups)
        try state.make(Slots.nf, build.nf)
        var f = Facts()
        f["arch"] = .text(p.arch.rawValue)
        f["pretrained"] = .bool(p.pretrained)
        f["pretrained_loaded"] = .bool(build.pretrainedLoaded)
        f["weights"] = .text(WeightsUse(build.architecture).description)
        f["nf"] = .int(build.nf)
        f["c"] = .int(data.c)
        f["layer_groups"] = .int(build.learner.layerGroups.count)
        f["trainable"] = .int(build.model.parameterCount(trainableOnly: true))
        f["total"] = .int(build.model.parameterCount())
        f["frozen"] = .bool(p.pretrained)
        f["ps"] = .text(p.ps.description)
        f["train_bn"] = .bool(p.trainBN)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = "A \(MD.code(f["arch"]?.prose ?? "")) body (\(MD.text(f["weights"]?.prose ?? ""))) and a head from "
        out += "\(MD.number(f["nf"])) features to \(MD.number(f["c"])) classes, split into \(MD.number(f["layer_groups"])) layer groups. "
        if f["frozen"] == .bool(true) {
            out += "`pretrained=True`, so the body is frozen: **\(MD.number(f["trainable"]))** of \(MD.number(f["total"])) parameters train"
            out += f["train_bn"] == .bool(true) ? " (the head, and the body's BatchNorm layers: `train_bn=True`).\n" : " (the head).\n"
        } else {
            out += "`pretrained=False`, so nothing is frozen: all \(MD.number(f["total"])) parameters train.\n"
        }
        return out
    }
}
