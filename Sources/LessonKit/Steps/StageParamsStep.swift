import NN
import Tensors

/// Where the body's parameters live: each child's share, its blocks, and the shape one image has after it.
public struct StageParamsStep: LessonStep {
    public static let id = "stage_params"
    public static let title = "Count parameters stage by stage"
    public static let source = "[(name, sum(p.numel() for p in child.parameters())) for name, child in body.named_children()]"
    public static let facts: FactSchema = [
        .list("stages", "index", "type", "blocks", "block_type", "params", "share", .shape("output")), "total", "largest", "largest_params",
        "largest_share", "last_two_share",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.body]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let body = try state.need(Slots.body)
        let kids = body.namedChildren
        let input = Tensor.normal([1, p.inChannels, p.imageSize, p.imageSize], generator: &state.generator)
        let shapes = try body.inEvalMode { try body.outputShapesOfChildren(input).shapes }

        let total = body.parameterCount()
        let counts = kids.map { $0.module.parameterCount() }
        let share = { (n: Int) in total == 0 ? 0 : Double(n) * 100 / Double(total) }
        let largest = counts.indices.max { counts[$0] < counts[$1] } ?? 0
        var f = Facts()
        f["stages"] = .list(
            kids.enumerated().map { i, kid in
                let blocks = kid.module is Sequential ? kid.module.namedChildren.count : 0
                return .object([
                    ("index", .int(i)), ("type", .text(kid.module.typeName)), ("blocks", .int(blocks)),
                    ("block_type", .text(blocks > 0 ? kid.module.namedChildren[0].module.typeName : "")),
                    ("params", .int(counts[i])), ("share", .number(share(counts[i]), places: 1)), ("output", .shape(shapes[i])),
                ])
            })
        f["total"] = .int(total)
        f["largest"] = .int(largest)
        f["largest_params"] = .int(counts[largest])
        f["largest_share"] = .number(share(counts[largest]), places: 1)
        f["last_two_share"] = .number(share(counts.suffix(2).reduce(0, +)), places: 1)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        MD.table(
            ["#", "child", "blocks", "output of one image", "parameters", "share"],
            MD.items(f["stages"]).map {
                let blocks = $0["blocks"] == "0" ? "" : "\($0["blocks"]) × \(MD.text($0["block_type"]))"
                return [$0["index"], MD.text($0["type"]), blocks, MD.code($0["output"]), $0["params"], "\($0["share"]) %"]
            }, right: [0, 4, 5])
            + "\nThe body holds \(MD.number(f["total"])) parameters; child \(MD.number(f["largest"])) alone holds \(MD.number(f["largest_share"])) % of them.\n"
    }
}
