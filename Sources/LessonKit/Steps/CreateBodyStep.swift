import Fastai
import NN
import Tensors

/// Line 2: `body = create_body(arch(pretrained), ifnone(cut, meta['cut']))`.
public struct CreateBodyStep: LessonStep {
    public static let id = "create_body"
    public static let title = "Cut the body"
    public static let source = "body = create_body(arch(pretrained), ifnone(cut, meta['cut']))"
    public static let factKeys = [
        "arch", "cut", "children", "kept", "removed", "params", "pretrained", "pretrained_loaded", "weights",
        "first_layer", "in_shape", "out_shape", "stages", "pipeline",
    ]
    public static let needs: [Slot] = [.meta]
    public static let makes: [Slot] = [.body]

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ context: LessonContext, _ p: LessonParameters) throws -> Facts {
        let meta = try context.require(context.meta, .meta)
        let arch = p.arch
        var g = context.generator
        let full = arch.make(generator: &g)
        context.generator = g
        var loaded = false
        var lookup: PretrainedWeights?
        if p.pretrained {
            lookup = context.locateWeights(arch)
            loaded = try lookup!.load(into: full)
        }
        let change = try updateFirstLayer(full, nIn: p.inChannels, pretrained: loaded, generator: &context.generator)
        let cut = p.cut ?? meta.cut
        let body = try createBody(full, cut: cut)
        context.pretrainedModel = full
        context.weights = lookup
        context.pretrainedLoaded = loaded
        context.firstLayerChange = change
        context.cut = cut
        context.body = body

        // One image at the lesson's size through the new body, to show where the shapes go.
        let kids = body.namedChildren
        var stageShapes = [[Int]](repeating: [], count: kids.count)
        let handles = kids.enumerated().map { i, kid in kid.module.registerForwardHook { _, _, y in stageShapes[i] = y.shape } }
        defer { handles.forEach { $0.remove() } }
        let wasTraining = body.training
        body.eval()
        let input = Tensor.normal([1, p.inChannels, p.imageSize, p.imageSize], generator: &context.generator)
        // A layer too small for the image throws ForwardError; the session words it (LessonSession.explain).
        let out = try body(input)
        body.train(wasTraining)

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
            !p.pretrained ? "none (pretrained=False)"
                : (lookup ?? PretrainedWeights(searched: [], file: nil)).summary)
        if let change { f["first_layer"] = .text("\(change.path): \(change.oldInChannels) → \(change.newInChannels) channels, \(change.rule)") }
        f["in_shape"] = .shape(input.shape)
        f["out_shape"] = .shape(out.shape)
        f["stages"] = .list(
            zip(kids, stageShapes).enumerated().map { i, pair in
                .object([("index", .int(i)), ("name", .text(pair.0.name)), ("type", .text(pair.0.module.typeName)), ("shape", .shape(pair.1))])
            })
        context.pipeline.replace(
            [.input, .body, .bodyStage],
            with: [PipelineStage(kind: .input, label: "image", shape: Array(input.shape.dropFirst()), addedBy: Self.id)]
                + zip(kids, stageShapes).map {
                    PipelineStage(kind: .bodyStage, label: "\($0.0.name) \($0.0.module.typeName)", shape: Array($0.1.dropFirst()), addedBy: Self.id)
                }
                + [PipelineStage(kind: .body, label: "body", shape: Array(out.shape.dropFirst()), addedBy: Self.id)])
        f["pipeline"] = .text(context.pipeline.line)
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
