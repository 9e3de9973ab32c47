import Fastai
import NN

/// Line 4: `head = custom_head or create_head(nf, data.c, lin_ftrs, ps)`.
public struct CreateHeadStep: LessonStep {
    public static let id = "create_head"
    public static let title = "Build the head"
    public static let source = "head = custom_head or create_head(nf, data.c, lin_ftrs, ps)"
    public static let options = ["custom_head"]
    public static let facts: FactSchema = [
        .list("lin_ftrs"), .list("ps"), .list("layers", "index", "type", "features", "p", "in", "out", "params", "repr"), "params", "blocks",
        "truncated", "custom", "pipeline",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.data, Slots.nf], makes: [Slots.head]) }

    /// `custom_head: avgpool` swaps in a plain average-pool head (AdaptiveAvgPool2d, Flatten, Linear).
    var customHead: String?

    public init(options: [String: String]) throws(ParameterError) {
        customHead = options["custom_head"]
        if let c = customHead, c != "avgpool" {
            throw ParameterError("custom_head supports 'avgpool' (AdaptiveAvgPool2d(1), Flatten(), Linear(features, c)), got '\(c)'")
        }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let data = try state.need(Slots.data)
        let nf = try state.need(Slots.nf)
        var f = Facts()
        let head: Module
        if customHead != nil {
            let features = nf / 2
            let linear = Linear(features, data.c)
            linear.resetParameters(generator: &state.generator)
            head = Sequential(AdaptiveAvgPool2d(.square(1)), Flatten(), linear)
            f["lin_ftrs"] = .list([.int(features), .int(data.c)])
            f["ps"] = .list([])
            f["blocks"] = .int(1)
            f["truncated"] = .int(0)
        } else {
            let plan = try HeadPlan(nf: nf, nc: data.c, linFtrs: p.linFtrs, ps: p.ps)
            head = createHead(plan, generator: &state.generator)
            f["lin_ftrs"] = .list(plan.sizes.map(FactValue.int))
            f["ps"] = .list(plan.ps.map { .real(Double($0)) })
            f["blocks"] = .int(plan.blocks)
            f["truncated"] = .int(plan.truncatedBlocks)
        }
        try state.make(Slots.head, head)
        f["custom"] = .bool(customHead != nil)
        f["layers"] = .list(head.namedChildren.map { Self.describe($0.name, $0.module) })
        f["params"] = .int(head.parameterCount())
        state.pipeline.replace([.pool, .flatten, .batchNorm, .dropout, .linear, .activation, .output], with: Self.stages(head, nf: nf))
        f["pipeline"] = .text(state.pipeline.line)
        return f
    }

    static func describe(_ name: String, _ m: Module) -> FactValue {
        let layer = CNNFacts.headLayer(m)
        var pairs: [(String, FactValue)] = [("index", .text(name)), ("type", .text(layer.type))]
        if let v = layer.features { pairs.append(("features", .int(v))) }
        if let v = layer.p { pairs.append(("p", .real(v))) }
        if let v = layer.in { pairs.append(("in", .int(v))) }
        if let v = layer.out { pairs.append(("out", .int(v))) }
        pairs.append(("params", .int(m.parameterCount())))
        pairs.append(("repr", .text(m.namedChildren.isEmpty ? m.description : m.typeName + "()")))
        return .object(pairs)
    }

    /// The head as diagram boxes, with the feature count after each.
    static func stages(_ head: Module, nf: Int) -> [PipelineStage] {
        var width = nf
        var out: [PipelineStage] = []
        for (name, m) in head.namedChildren {
            let label = "\(name) \(m.typeName)"
            switch m {
            case is AdaptiveConcatPool2d: out.append(PipelineStage(kind: .pool, label: "concat pool", shape: [nf], addedBy: CreateHeadStep.id))
            case is AdaptiveAvgPool2d:
                out.append(PipelineStage(kind: .pool, label: "avg pool", shape: [nf / 2], addedBy: CreateHeadStep.id))
                width = nf / 2
            case is Flatten: out.append(PipelineStage(kind: .flatten, label: label, shape: [width], addedBy: CreateHeadStep.id))
            case is BatchNorm: out.append(PipelineStage(kind: .batchNorm, label: label, shape: [width], addedBy: CreateHeadStep.id))
            case is Dropout: out.append(PipelineStage(kind: .dropout, label: label, shape: [width], addedBy: CreateHeadStep.id))
            case let l as Linear:
                width = l.outFeatures
                out.append(PipelineStage(kind: .linear, label: label, shape: [width], addedBy: CreateHeadStep.id))
            default: out.append(PipelineStage(kind: .activation, label: label, shape: [width], addedBy: CreateHeadStep.id))
            }
        }
        return out
    }

    public func markdown(_ f: Facts) -> String {
        var out = ""
        if f["custom"] == .bool(true) {
            out +=
                "A custom head replaces `create_head`: average pooling only, so it sees \(MD.items(f["lin_ftrs"]).first?.prose ?? "") features, not `nf`.\n\n"
        } else {
            out += "`lin_ftrs` = \(MD.code(f["lin_ftrs"]?.prose ?? "")), `ps` = \(MD.code(f["ps"]?.prose ?? "")).\n\n"
        }
        if case .int(let t)? = f["truncated"], t > 0 {
            out +=
                "⚠ `zip` stopped after \(MD.number(f["blocks"])) blocks: `ps` is shorter than the sizes, so \(t) block(s) were silently dropped.\n\n"
        }
        out += MD.table(
            ["#", "layer", "params"],
            MD.items(f["layers"]).map { [$0["index"], MD.code($0["repr"]), $0["params"]] }, right: [0, 2])
        out += "\nThe head has \(MD.number(f["params"])) parameters.\n\n" + MD.pipeline(f["pipeline"])
        return out
    }
}
