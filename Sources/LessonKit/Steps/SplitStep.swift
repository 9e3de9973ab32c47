import Fastai
import NN

/// Line 7: `learn.split(ifnone(split_on, meta['split']))`.
public struct SplitStep: LessonStep {
    public static let id = "split"
    public static let title = "Split into layer groups"
    public static let source = "learn.split(ifnone(split_on, meta['split']))"
    public static let facts: FactSchema = [
        "split_on", .list("split_indices"), "leaves",
        .list("layer_groups", "index", "leaves", "first_leaf", "first_type", "last_type", "params", "trainable", "batchnorm_params"), "groups",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.learn, Slots.meta], makes: [Slots.layerGroups]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        let meta = try state.need(Slots.meta)
        try learn.split(meta.split)
        try state.make(Slots.layerGroups, learn.layerGroups)
        var f = Facts()
        f["split_on"] = .text(meta.splitDescription)
        f["split_indices"] = .list(learn.splitIndices.map(FactValue.int))
        f["leaves"] = .int(learn.model.leaves.count)
        f["layer_groups"] = Self.groups(learn)
        f["groups"] = .int(learn.layerGroups.count)
        return f
    }

    /// Leaves, parameters and trainable parameters of each group.
    static func groups(_ learn: Learner) -> FactValue {
        var start = 0
        return .list(
            learn.layerGroups.enumerated().map { i, group in
                let ps = Learner.parameters(of: group)
                defer { start += group.count }
                return .object([
                    ("index", .int(i)), ("leaves", .int(group.count)), ("first_leaf", .int(start)),
                    ("first_type", .text(group.first?.typeName ?? "")), ("last_type", .text(group.last?.typeName ?? "")),
                    ("params", .int(ps.reduce(0) { $0 + $1.count })),
                    ("trainable", .int(ps.filter(\.requiresGrad).reduce(0) { $0 + $1.count })),
                    ("batchnorm_params", .int(group.filter { $0 is BatchNorm }.flatMap(\.parameters).reduce(0) { $0 + $1.count })),
                ])
            })
    }

    public func markdown(_ f: Facts) -> String {
        var out = "`split_on` = \(MD.code(f["split_on"]?.prose ?? "")): each module's first leaf starts a group. "
        out += "Of \(MD.number(f["leaves"])) leaves, groups start at \(MD.code(f["split_indices"]?.prose ?? "")).\n\n"
        out += MD.table(
            ["group", "leaves", "first → last leaf", "parameters"],
            MD.items(f["layer_groups"]).map {
                [$0["index"], $0["leaves"], "\(MD.text($0["first_type"])) → \(MD.text($0["last_type"]))", $0["params"]]
            }, right: [0, 1, 3])
        return out
    }
}
