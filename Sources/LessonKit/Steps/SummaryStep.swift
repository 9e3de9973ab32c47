import Fastai
import NN
import Tensors

/// `learn.summary()`: every layer down to a depth, with shapes from a real pass and trainability.
public struct SummaryStep: LessonStep {
    public static let id = "summary"
    public static let title = "Summarise the model"
    public static let source = "learn.summary()"
    public static let options = ["depth"]
    public static let facts: FactSchema = [
        .list("rows", "path", "type", "depth", .shape("output_shape"), "params", "trainable", .list("groups")), "total", "trainable",
        .shape("input_shape"), .shape("output_shape"),
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.learn]) }

    var depth: Int

    public init(options: [String: String]) throws(ParameterError) {
        if let raw = options["depth"] { depth = try LessonParameters.int(raw, "depth", min: 0, max: 10) } else { depth = 1 }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        let batch = Tensor.normal([1, p.inChannels, p.imageSize, p.imageSize], generator: &state.generator)
        let s = try ModelSummary(learner: learn, batch: batch)
        var f = Facts()
        f["rows"] = .list(
            s.rows.filter { $0.depth <= depth }.map { r in
                .object([
                    ("path", .text(r.path)), ("type", .text(r.typeName)), ("depth", .int(r.depth)),
                    ("output_shape", r.outputShape.map(FactValue.shape) ?? .text("—")), ("params", .int(r.parameters)),
                    ("trainable", .int(r.trainableParameters)), ("groups", .list(r.layerGroups.map(FactValue.int))),
                ])
            })
        f["total"] = .int(s.totalParameters)
        f["trainable"] = .int(s.trainableParameters)
        f["input_shape"] = .shape(s.inputShape)
        f["output_shape"] = .shape(s.outputShape)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let rows = MD.items(f["rows"]).map { r -> [String] in
            let depth = Int(r["depth"]) ?? 0
            let trainable = r["trainable"] == r["params"] ? "yes" : r["trainable"] == "0" ? "no" : "partly"
            return [
                String(repeating: "· ", count: depth) + MD.code(r["path"]) + " " + MD.text(r["type"]), MD.code(r["output_shape"]), r["params"],
                r["params"] == "0" ? "" : trainable, r["groups"],
            ]
        }
        return MD.table(["layer", "output", "params", "trainable", "group"], rows, right: [2])
            + "\nTotal \(MD.number(f["total"])) parameters, \(MD.number(f["trainable"])) trainable; \(MD.shape(f["input_shape"])) → \(MD.shape(f["output_shape"])).\n"
    }
}
