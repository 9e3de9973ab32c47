import Fastai
import NN
import Tensors

/// Line 2: `body = create_body(arch(pretrained), ifnone(cut, meta['cut']))`.
public struct CreateBodyStep: LessonStep {
    public static let id = "create_body"
    public static let title = "Cut the body"
    public static let source = "body = create_body(arch(pretrained), ifnone(cut, meta['cut']))"
    public static let facts: FactSchema = [
        "arch", "cut", "children", .list("kept"), .list("removed"), "params", "pretrained", "pretrained_loaded", "weights", "first_layer",
        .shape("in_shape"), .shape("out_shape"), .list("stages", "index", "name", "type", .shape("shape")), "pipeline",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.meta], makes: [Slots.architecture, Slots.firstLayerChange, Slots.cut, Slots.body]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let meta = try state.need(Slots.meta)
        let arch = p.arch
        let built = try createBody(
            arch: arch, meta: meta, cut: p.cut, pretrained: p.pretrained, inChannels: p.inChannels,
            weights: p.pretrained ? state.locateWeights(arch) : nil, generator: &state.generator)
        let (full, body, cut, change) = (built.full.model, built.body, built.cut, built.firstLayerChange)
        let (lookup, loaded) = (built.full.weights, built.full.loaded)
        try state.make(Slots.architecture, built.full)
        try state.make(Slots.firstLayerChange, change)
        try state.make(Slots.cut, cut)
        try state.make(Slots.body, body)

        // One image at the lesson's size through the new body, to show where the shapes go.
        let kids = body.namedChildren
        let input = Tensor.normal([1, p.inChannels, p.imageSize, p.imageSize], generator: &state.generator)
        // A layer too small for the image throws ForwardError; the session words it (LessonSession.explain).
        let (out, stageShapes) = try body.inEvalMode { try body.outputShapesOfChildren(input) }

        let allNames = full.namedChildren.map(\.name)
        let keptCount = body.namedChildren.count
        var f = Facts()
        f["arch"] = .text(arch.rawValue)
        f["cut"] = .text(cut.description)
        f["children"] = .int(keptCount)
        f["kept"] = .list(zip(allNames, full.children).prefix(keptCount).map { .text("\($0.0) (\($0.1.typeName))") })
        f["removed"] = .list(zip(allNames, full.children).dropFirst(keptCount).map { .text("\($0.0) (\($0.1.typeName))") })
        f["params"] = .int(body.parameterCount())
        f["pretrained"] = .bool(p.pretrained)
        f["pretrained_loaded"] = .bool(loaded)
        f["weights"] = .text(
            !p.pretrained
                ? "none (pretrained=False)"
                : (lookup ?? PretrainedWeights(searched: [], file: nil)).summary)
        if let change { f["first_layer"] = .text("\(change.path): \(change.oldInChannels) → \(change.newInChannels) channels, \(change.rule)") }
        f["in_shape"] = .shape(input.shape)
        f["out_shape"] = .shape(out.shape)
        f["stages"] = .list(
            zip(kids, stageShapes).enumerated().map { i, pair in
                .object([("index", .int(i)), ("name", .text(pair.0.name)), ("type", .text(pair.0.module.typeName)), ("shape", .shape(pair.1))])
            })
        // A new body starts a new model: a head built for an earlier body (resnet50's, when lesson 7
        // builds resnet34's body after it) does not follow this one.
        state.pipeline = Pipeline()
        state.pipeline.replace(
            [.input, .body, .bodyStage],
            with: [PipelineStage(kind: .input, label: "image", shape: Array(input.shape.dropFirst()), addedBy: Self.id)]
                + zip(kids, stageShapes).map {
                    PipelineStage(kind: .bodyStage, label: "\($0.0.name) \($0.0.module.typeName)", shape: Array($0.1.dropFirst()), addedBy: Self.id)
                }
                + [PipelineStage(kind: .body, label: "body", shape: Array(out.shape.dropFirst()), addedBy: Self.id)])
        f["pipeline"] = .text(state.pipeline.line)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let kept = MD.items(f["kept"]).map(\.prose)
        let removed = MD.items(f["removed"]).map(\.prose)
        var rows = kept.map { [MD.text($0), "kept"] }
        rows += removed.map { [MD.text($0), "**cut**"] }
        var out = MD.table(["child of \(MD.text(f["arch"]?.prose ?? ""))", "with cut \(MD.code(f["cut"]?.prose ?? ""))"], rows)
        out += "\nThe body keeps \(MD.number(f["children"])) children and \(MD.number(f["params"])) parameters. "
        out += "Weights: \(MD.text(f["weights"]?.prose ?? "")).\n"
        if let first = f["first_layer"] { out += "\nFirst layer adapted: \(MD.text(first.prose)).\n" }
        out += "\nOne image \(MD.shape(f["in_shape"])) comes out of the body as \(MD.shape(f["out_shape"])).\n\n"
        out += MD.pipeline(f["pipeline"])
        return out
    }
}
