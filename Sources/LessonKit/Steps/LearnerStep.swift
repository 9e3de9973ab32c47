import Fastai

/// Line 6: `learn = ClassificationLearner(data, model, **kwargs)`.
public struct LearnerStep: LessonStep {
    public static let id = "learner"
    public static let title = "Wrap it in a Learner"
    public static let source = "learn = ClassificationLearner(data, model, **kwargs)"
    public static let facts: FactSchema = ["c", .list("metrics"), "train_bn", "layer_groups", "leaves", "trainable", "total"]
    public var access: StepAccess { StepAccess(needs: [Slots.data, Slots.model], makes: [Slots.learn]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let data = try state.need(Slots.data)
        let model = try state.need(Slots.model)
        let learn = try Learner(data: data, model: model, metrics: ["error_rate"], trainBN: p.trainBN)
        try state.make(Slots.learn, learn)
        var f = Facts()
        f["c"] = .int(data.c)
        f["metrics"] = .list(learn.metrics.map(FactValue.text))
        f["train_bn"] = .bool(learn.trainBN)
        f["layer_groups"] = .int(learn.layerGroups.count)
        f["leaves"] = .int(model.leaves.count)
        f["trainable"] = .int(model.parameterCount(trainableOnly: true))
        f["total"] = .int(model.parameterCount())
        return f
    }

    public func markdown(_ f: Facts) -> String {
        """
        The Learner holds `data` (\(MD.number(f["c"])) classes), the model, the metrics \(MD.code(f["metrics"]?.prose ?? "")) and `train_bn = \(f["train_bn"] == .bool(true) ? "True" : "False")`. \
        Until `split` runs, all \(MD.number(f["leaves"])) leaf layers sit in \(MD.number(f["layer_groups"])) layer group, \
        and \(MD.number(f["trainable"])) of \(MD.number(f["total"])) parameters are trainable.

        """
    }
}
