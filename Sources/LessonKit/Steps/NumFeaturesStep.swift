import Fastai
import NN

/// Line 3: `nf = num_features_model(body) * 2`.
public struct NumFeaturesStep: LessonStep {
    public static let id = "num_features"
    public static let title = "Count the body's features"
    public static let source = "nf = num_features_model(body) * 2"
    public static let facts: FactSchema = [
        "features", "nf", "dummy_size", "in_channels", .list("dummy_shapes", "index", "type", .shape("shape")), .list("retries", "size", "error"),
        "eval_mode",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.body], makes: [Slots.probe, Slots.nf]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let body = try state.need(Slots.body)
        let probe = try numFeaturesModel(body, generator: &state.generator)
        try state.make(Slots.probe, probe)
        try state.make(Slots.nf, probe.features * 2)
        var f = Facts()
        f["features"] = .int(probe.features)
        f["nf"] = .int(probe.features * 2)
        f["dummy_size"] = .int(probe.size)
        f["in_channels"] = .int(probe.inChannels)
        f["dummy_shapes"] = .list(
            zip(body.children, probe.childShapes).enumerated().map { i, pair in
                .object([("index", .int(i)), ("type", .text(pair.0.typeName)), ("shape", .shape(pair.1))])
            })
        f["retries"] = .list(probe.failures.map { .object([("size", .int($0.size)), ("error", .text($0.error))]) })
        f["eval_mode"] = .bool(!body.training)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out =
            "A dummy batch \(MD.code("[1, \(f["in_channels"]?.prose ?? "3"), \(f["dummy_size"]?.prose ?? ""), \(f["dummy_size"]?.prose ?? "")]")) "
        // 1.0.20's model_sizes passed `new(1, ch_in, 64, 64)` (uninitialised); 1.0.61's dummy_batch draws
        // uniform(-1, 1). Only the shape reaches nf.
        out += "(fastai 1.0.61 draws it from uniform(-1, 1); 1.0.20 left it uninitialised — only its shape matters) "
        out += "goes through the body, with a hook on each child:\n\n"
        out += MD.table(
            ["#", "child", "output shape"],
            MD.items(f["dummy_shapes"]).map { [$0["index"], MD.text($0["type"]), MD.code($0["shape"])] }, right: [0])
        for r in MD.items(f["retries"]) {
            out +=
                "\nAt \(r["size"])×\(r["size"]) it failed (\(MD.text(r["error"]))), so fastai 1.0.61 doubled the size (1.0.20 tries 64×64 only, and stops there).\n"
        }
        out +=
            "\nThe last output has **\(MD.number(f["features"]))** channels, so `nf` = \(MD.number(f["features"])) × 2 = **\(MD.number(f["nf"]))**. "
        out += "The body is now in eval mode: a side effect that stays.\n"
        return out
    }
}
