import Fastai
import NN
import Tensors

/// The proof after `adapt_first_layer`: the model with its old RGB conv on an RGB batch, and with
/// the new conv on the same batch plus an arbitrary extra channel, give the same output — and the
/// extra channel, wild or zero, changes nothing at all.
public struct SameOutputStep: LessonStep {
    public static let id = "same_output"
    public static let title = "Prove nothing changed for RGB"
    public static let source = "(rgb_model(x) - model(torch.cat([x, extra], dim=1))).abs().max()"
    public static let facts: FactSchema = [
        "path", .shape("rgb_input"), .shape("input"), "extra_min", "extra_max", .shape("output_shape"), "max_abs_output", "max_abs_diff",
        "relative_diff", "identical", "extra_effect", "terms_before", "terms_after", "rounding",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.model, Slots.body, Slots.replacedLayers]) }

    /// The extra channels are drawn from uniform(-spread, spread): far outside any image's range.
    static let spread: Float = 100

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let model = try state.need(Slots.model)
        let body = try state.need(Slots.body)
        let replaced = try state.need(Slots.replacedLayers)
        guard let path = replaced.keys.sorted().first, let old = replaced[path],
            let first = firstLayer(of: body), first.path == path
        else { throw StepError("same_output compares the model before and after adapt_first_layer: run that step first") }
        let (parent, name, new) = (first.parent, first.name, first.module)
        let extraChannels = try inChannels(body) - 3
        guard extraChannels > 0 else { throw StepError("the first layer takes 3 channels: there is no extra channel to vary") }

        let rgb = Tensor.normal([p.batchSize, 3, p.imageSize, p.imageSize], generator: &state.generator)
        let extraShape = [p.batchSize, extraChannels, p.imageSize, p.imageSize]
        let extra = Tensor.uniform(extraShape, low: -Self.spread, high: Self.spread, generator: &state.generator)
        let wild = try Tensor.concatenate([rgb, extra], dim: 1)
        let quiet = try Tensor.concatenate([rgb, Tensor.zeros(extraShape)], dim: 1)

        let modes = model.trainingModes()
        model.eval()
        defer {
            parent.setChild(name, new)
            model.restore(modes)
        }
        parent.setChild(name, old)
        let before = try model(rgb)
        parent.setChild(name, new)
        let after = try model(wild)
        let control = try model(quiet)
        guard before.shape == after.shape else {
            throw StepError("the outputs have different shapes, \(Tensor.describe(before.shape)) and \(Tensor.describe(after.shape))")
        }
        let diff = zip(before.storage, after.storage).map { abs($0 - $1) }.max() ?? 0
        let effect = zip(after.storage, control.storage).map { abs($0 - $1) }.max() ?? 0
        let terms = { (m: Module) in (m.parameter("weight")?.value.shape.dropFirst().reduce(1, *)) ?? 0 }

        var f = Facts()
        f["path"] = .text(path)
        f["rgb_input"] = .shape(rgb.shape)
        f["input"] = .shape(wild.shape)
        f["extra_min"] = .number(Double(extra.storage.min() ?? 0), places: 2)
        f["extra_max"] = .number(Double(extra.storage.max() ?? 0), places: 2)
        f["output_shape"] = .shape(after.shape)
        f["max_abs_output"] = .number(Double(before.maxAbs), places: 3)
        f["max_abs_diff"] = .real(Double(diff))
        f["relative_diff"] = .real(before.maxAbs > 0 ? Double(diff / before.maxAbs) : 0)
        f["identical"] = .bool(before.storage == after.storage)
        f["extra_effect"] = .real(Double(effect))
        f["terms_before"] = .int(terms(old))
        f["terms_after"] = .int(terms(new))
        // Whether the zero products move the rounding depends on how the GEMM library splits the
        // sum; the sentence says what this run found.
        let sums = "the new conv adds up \(terms(new)) products for each output instead of \(terms(old)), and the extra products, all zero,"
        f["rounding"] = .text(
            before.storage == after.storage
                ? "Not even float rounding shows: \(sums) leave every sum bit for bit the same."
                : "That is float rounding, not the fourth channel: \(sums) change where the rounding falls.")
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = MD.table(
            ["first conv", "input", "fourth channel", "output"],
            [
                ["the old RGB one", MD.shape(f["rgb_input"]), "none", MD.shape(f["output_shape"])],
                [
                    "the new one", MD.shape(f["input"]), "uniform, \(MD.number(f["extra_min"])) to \(MD.number(f["extra_max"]))",
                    MD.shape(f["output_shape"]),
                ],
                ["the new one", MD.shape(f["input"]), "zeros", MD.shape(f["output_shape"])],
            ])
        out += "\nLargest |difference| between the two four-channel outputs: **\(MD.number(f["extra_effect"]))**. "
        out += "Between the RGB output and the four-channel one: \(MD.number(f["max_abs_diff"])), on outputs as large as "
        out += "\(MD.number(f["max_abs_output"])) (relative \(MD.number(f["relative_diff"]))); each output of the first conv now sums "
        out += "\(MD.number(f["terms_after"])) products instead of \(MD.number(f["terms_before"])).\n"
        return out
    }
}
