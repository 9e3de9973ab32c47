import NN

/// Statistics of a module's parameters: shape, mean, std, trainable.
public struct WeightsStep: LessonStep {
    public static let id = "weights"
    public static let title = "Look at the weights"
    public static let source = "[(n, p.shape, p.std(), p.requires_grad) for n, p in learn.model[1].named_parameters()]"
    public static let options = ["target"]
    public static let facts: FactSchema = ["target", .list("parameters", "name", .shape("shape"), "mean", "std", "requires_grad"), "count"]
    public var access: StepAccess { StepAccess(needs: [target == "body" ? Slots.body : Slots.head]) }

    var target: String

    public init(options: [String: String]) throws(ParameterError) {
        target = options["target"] ?? "head"
        guard ["head", "body"].contains(target) else { throw ParameterError("target expects head or body, got '\(target)'") }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let m = target == "body" ? try state.need(Slots.body) : try state.need(Slots.head)
        var f = Facts()
        f["target"] = .text(target)
        let params = m.namedParameters()
        f["parameters"] = .list(
            params.map { name, p in
                let s = p.value.meanAndStd
                return .object([
                    ("name", .text(name)), ("shape", .shape(p.value.shape)), ("mean", .number(s.mean, places: 4)),
                    ("std", .number(s.std, places: 4)), ("requires_grad", .bool(p.requiresGrad)),
                ])
            })
        f["count"] = .int(params.count)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let rows = MD.items(f["parameters"])
        let shown = rows.count > 40 ? Array(rows.prefix(40)) : rows
        var out = MD.table(
            ["parameter", "shape", "mean", "std", "requires_grad"],
            shown.map { [MD.code($0["name"]), MD.code($0["shape"]), $0["mean"], $0["std"], $0["requires_grad"]] }, right: [2, 3])
        if rows.count > shown.count { out += "\n… and \(rows.count - shown.count) more parameter tensors.\n" }
        return out
    }
}
