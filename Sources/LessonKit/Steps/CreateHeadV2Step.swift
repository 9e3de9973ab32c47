import Fastai
import NN

/// fastai v2's `create_head`, as today's `vision_learner` calls it, on the same body features as v1.
public struct CreateHeadV2Step: LessonStep {
    public static let id = "create_head_v2"
    public static let title = "Build fastai v2's head"
    public static let source =
        "head = create_head(nf, n_out, lin_ftrs, ps, pool=True, concat_pool=True, first_bn=True, bn_final=False, lin_first=False, y_range=None)"
    public static let options = ["first_bn", "bn_final", "lin_first", "concat_pool", "y_range"]
    public static let facts: FactSchema = [
        "features", "nf", .list("lin_ftrs"), .list("ps"),
        .object("options", "bn_final", "concat_pool", "first_bn", "lin_first", "pool", .any("y_range")),
        .list("layers", "index", "type", "features", "p", "in", "out", "params", "repr"), "params", "linear_biases", "bias_free_linears",
        "missing_biases", "v1_params", "fewer_than_v1", "pipeline",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.data, Slots.nf], uses: [Slots.probe], makes: [Slots.head]) }

    var headOptions = HeadOptionsV2()

    public init(options: [String: String]) throws(ParameterError) {
        if let v = options["first_bn"] { headOptions.firstBN = try LessonParameters.bool(v, "first_bn") }
        if let v = options["bn_final"] { headOptions.bnFinal = try LessonParameters.bool(v, "bn_final") }
        if let v = options["lin_first"] { headOptions.linFirst = try LessonParameters.bool(v, "lin_first") }
        if let v = options["concat_pool"] { headOptions.concatPool = try LessonParameters.bool(v, "concat_pool") }
        if let raw = options["y_range"] {
            let parts = raw.trimmingCharacters(in: .whitespaces)
            let inner = parts.hasPrefix("[") && parts.hasSuffix("]") ? String(parts.dropFirst().dropLast()) : ""
            let values = inner.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 2, values[0] < values[1] else {
                throw ParameterError("y_range expects [low, high] with low < high, such as [0, 5], got '\(raw)'")
            }
            headOptions.yRange = values
        }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let data = try state.need(Slots.data)
        let nf = try state.need(Slots.nf)
        // v2 passes the body's own feature count; the doubling happens inside create_head.
        let features = try state.use(Slots.probe)?.features ?? nf / 2
        let (head, plan) = try createHeadV2(
            nf: features, nOut: data.c, linFtrs: p.linFtrs, ps: p.ps, options: headOptions, generator: &state.generator)
        try state.make(Slots.head, head)
        // The same sizes through v1's create_head, for the comparison.
        var scratch = state.generator
        let v1 = try createHead(nf: plan.nf, nc: data.c, linFtrs: p.linFtrs, ps: p.ps, generator: &scratch)

        let linears = head.modules.compactMap { $0 as? Linear }
        var f = Facts()
        f["features"] = .int(features)
        f["nf"] = .int(plan.nf)
        f["lin_ftrs"] = .list(plan.sizes.map(FactValue.int))
        f["ps"] = .list(plan.ps.map { .real(Double($0)) })
        f["options"] = .object([
            ("pool", .bool(headOptions.pool)), ("concat_pool", .bool(headOptions.concatPool)), ("first_bn", .bool(headOptions.firstBN)),
            ("bn_final", .bool(headOptions.bnFinal)), ("lin_first", .bool(headOptions.linFirst)),
            ("y_range", headOptions.yRange.map { .list($0.map { .real(Double($0)) }) } ?? .text("None")),
        ])
        f["layers"] = .list(head.namedChildren.map { CreateHeadStep.describe($0.name, $0.module) })
        f["params"] = .int(head.parameterCount())
        f["linear_biases"] = .int(linears.filter { $0.bias != nil }.count)
        f["bias_free_linears"] = .int(linears.filter { $0.bias == nil }.count)
        // What a bias on each bias-free Linear would have held: one value per output.
        f["missing_biases"] = .int(linears.filter { $0.bias == nil }.reduce(0) { $0 + $1.outFeatures })
        f["v1_params"] = .int(v1.parameterCount())
        f["fewer_than_v1"] = .int(v1.parameterCount() - head.parameterCount())
        state.pipeline.replace(
            [.pool, .flatten, .batchNorm, .dropout, .linear, .activation, .output], with: CreateHeadStep.stages(head, nf: plan.nf))
        f["pipeline"] = .text(state.pipeline.line)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = "`create_head(nf=\(f["features"]?.prose ?? ""), …)` doubles it inside to \(MD.number(f["nf"])): "
        out += "`lin_ftrs` = \(MD.code(f["lin_ftrs"]?.prose ?? "")), `ps` = \(MD.code(f["ps"]?.prose ?? "")).\n\n"
        out += MD.table(
            ["#", "layer", "params"],
            MD.items(f["layers"]).map { [$0["index"], MD.code($0["repr"]), $0["params"]] }, right: [0, 2])
        let verb = f["bias_free_linears"] == .int(1) ? "has" : "have"
        out += "\nThe head has \(MD.number(f["params"])) parameters; \(MD.number(f["bias_free_linears"])) of its Linear layers \(verb) no bias. "
        out += "v1's `create_head` with the same sizes has \(MD.number(f["v1_params"])).\n\n" + MD.pipeline(f["pipeline"])
        return out
    }
}
