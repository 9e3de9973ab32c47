import Fastai
import NN

/// Line 8: `if pretrained: learn.freeze()` — and `freeze_to(n)` / `unfreeze()` with `#| to: n`.
public struct FreezeStep: LessonStep {
    public static let id = "freeze"
    public static let title = "Freeze the pretrained part"
    public static let source = "if pretrained: learn.freeze()"
    public static let options = ["to"]
    public static let facts: FactSchema = [
        "to", "call", "trainable", "total", "frozen", "batchnorm_trainable",
        .list("layer_groups", "index", "leaves", "first_leaf", "first_type", "last_type", "params", "trainable", "batchnorm_params"), "skipped",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.learn, Slots.layerGroups]) }

    /// `freeze_to(to)`; -1 is `freeze()`, 0 is `unfreeze()`.
    var to: Int

    public init(options: [String: String]) throws(ParameterError) {
        if let raw = options["to"] {
            guard let v = Int(raw) else { throw ParameterError("to expects a group index such as -1, 0 or 1, got '\(raw)'") }
            to = v
        } else {
            to = -1
        }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        let groups = try state.need(Slots.layerGroups)
        learn.trainBN = p.trainBN
        var f = Facts()
        f["to"] = .int(to)
        f["call"] = .text(to == -1 ? "learn.freeze()" : to == 0 ? "learn.unfreeze()" : "learn.freeze_to(\(to))")
        // fastai freezes only when pretrained; freeze_to/unfreeze in a lesson always run.
        let skipped = to == -1 && !p.pretrained
        if !skipped {
            if to == -1 { try learn.freeze() } else { learn.freezeTo(to) }
        }
        f["skipped"] = .bool(skipped)
        let model = learn.model
        f["trainable"] = .int(model.parameterCount(trainableOnly: true))
        f["total"] = .int(model.parameterCount())
        f["frozen"] = .int(model.parameterCount() - model.parameterCount(trainableOnly: true))
        let lastFrozen = to < 0 ? groups.count + to : to
        let bnTrainable = groups.prefix(max(0, lastFrozen)).flatMap { $0 }.filter { $0 is BatchNorm }
            .flatMap(\.parameters).filter(\.requiresGrad).reduce(0) { $0 + $1.count }
        f["batchnorm_trainable"] = .int(skipped ? 0 : bnTrainable)
        f["layer_groups"] = SplitStep.groups(learn)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        if f["skipped"] == .bool(true) {
            return "`pretrained` is False, so `create_cnn` does not freeze: all \(MD.number(f["total"])) parameters stay trainable.\n"
        }
        var out = MD.code(f["call"]?.prose ?? "") + " leaves **\(MD.number(f["trainable"]))** of \(MD.number(f["total"])) parameters trainable.\n\n"
        out += MD.table(
            ["group", "parameters", "trainable"],
            MD.items(f["layer_groups"]).map { [$0["index"], $0["params"], $0["trainable"]] }, right: [0, 1, 2])
        if case .int(let bn)? = f["batchnorm_trainable"], bn > 0 {
            out += "\nIn the frozen groups, \(MD.number(f["batchnorm_trainable"])) BatchNorm parameters stay trainable: `train_bn` is True.\n"
        }
        return out
    }
}
