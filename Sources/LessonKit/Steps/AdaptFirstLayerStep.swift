import Fastai
import NN
import Tensors

/// fastai v2's `_update_first_layer` on the built model: a new first conv for `in_channels`, its
/// weights made from the old RGB filters (copy RGB and zero the rest, for four channels or more).
public struct AdaptFirstLayerStep: LessonStep {
    public static let id = "adapt_first_layer"
    public static let title = "Replace the first conv"
    public static let source = "_update_first_layer(learn.model[0], n_in=4, pretrained=True)"
    public static let facts: FactSchema = [
        "path", "old_layer", "new_layer", .shape("old_shape"), .shape("new_shape"), "in_channels", "rule", "weights", "pretrained_loaded", "rgb_diff",
        "extra_max", "params_before", "params_after", "params_added",
    ]
    public var access: StepAccess {
        StepAccess(needs: [Slots.body], uses: [Slots.architecture, Slots.replacedLayers], makes: [Slots.replacedLayers])
    }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let body = try state.need(Slots.body)
        guard p.inChannels != 3 else {
            throw StepError("adapt_first_layer needs other input channels than 3: give the cell `#| in_channels: 4`")
        }
        guard let first = firstLayer(of: body), let oldConv = first.module as? Conv2d else {
            throw StepError("the body's first layer is not a Conv2d")
        }
        let before = body.parameterCount()
        // The rule fastai applies to pretrained filters, applied to whatever filters the model has:
        // ImageNet's when a weights file was loaded, torchvision's random ones otherwise.
        guard let change = try updateFirstLayer(body, nIn: p.inChannels, pretrained: true, generator: &state.generator),
            let newConv = firstLayer(of: body)?.module as? Conv2d
        else { throw StepError("the first layer was not replaced") }
        var replaced = try state.use(Slots.replacedLayers) ?? [:]
        replaced[first.path] = oldConv
        try state.make(Slots.replacedLayers, replaced)
        let architecture = try state.use(Slots.architecture)
        let pretrainedLoaded = architecture?.loaded ?? false

        let w = newConv.weight.value, v = oldConv.weight.value
        let (o, plane) = (w.shape[0], w.shape[2] * w.shape[3])
        var rgbDiff: Float = 0
        var extraMax: Float = 0
        for f in 0..<o {
            for c in 0..<p.inChannels {
                for k in 0..<plane {
                    let value = w.storage[(f * p.inChannels + c) * plane + k]
                    if c < 3 {
                        rgbDiff = max(rgbDiff, abs(value - v.storage[(f * 3 + c) * plane + k]))
                    } else {
                        extraMax = max(extraMax, abs(value))
                    }
                }
            }
        }
        var f = Facts()
        f["path"] = .text(change.path)
        f["old_layer"] = .text(oldConv.description)
        f["new_layer"] = .text(newConv.description)
        f["old_shape"] = .shape(v.shape)
        f["new_shape"] = .shape(w.shape)
        f["in_channels"] = .int(p.inChannels)
        f["rule"] = .text(Self.rule(p.inChannels))
        f["weights"] = .text(
            pretrainedLoaded
                ? "ImageNet's, from \(architecture?.weights?.file?.lastPathComponent ?? "a weights file")"
                : "torchvision's random initialisation (no weights file installed)")
        f["pretrained_loaded"] = .bool(pretrainedLoaded)
        if p.inChannels >= 4 {
            f["rgb_diff"] = .real(Double(rgbDiff))
            f["extra_max"] = .real(Double(extraMax))
        }
        f["params_before"] = .int(before)
        f["params_after"] = .int(body.parameterCount())
        f["params_added"] = .int(body.parameterCount() - before)
        return f
    }

    /// fastai's rule in words, for the filters actually adapted (pretrained or not).
    static func rule(_ n: Int) -> String {
        switch n {
        case 1: "the sum of the three RGB filters"
        case 2: "the first two RGB filters × 1.5"
        case 4: "copies of the RGB filters for the first three channels, and zeros for the fourth"
        default: "copies of the RGB filters for the first three channels, and zeros for channels 4 to \(n)"
        }
    }

    public func markdown(_ f: Facts) -> String {
        var out = MD.table(
            ["", "layer", "weight"],
            [
                ["before", MD.code(f["old_layer"]?.prose ?? ""), MD.shape(f["old_shape"])],
                ["after", MD.code(f["new_layer"]?.prose ?? ""), MD.shape(f["new_shape"])],
            ])
        out +=
            "\n`body.\(f["path"]?.prose ?? "")` now takes \(MD.number(f["in_channels"])) channels; its weights are \(MD.text(f["rule"]?.prose ?? "")). "
        out += "The filters adapted are \(MD.text(f["weights"]?.prose ?? "")).\n"
        if let diff = f["rgb_diff"], let extra = f["extra_max"] {
            out += "\nLargest |new − old| over the RGB channels: \(diff.prose). Largest |weight| in the added channels: \(extra.prose).\n"
        }
        out += "\nThe body grows from \(MD.number(f["params_before"])) to \(MD.number(f["params_after"])) parameters.\n"
        return out
    }
}
