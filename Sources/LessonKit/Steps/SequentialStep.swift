import NN

/// Line 5: `model = nn.Sequential(body, head)`.
public struct SequentialStep: LessonStep {
    public static let id = "sequential"
    public static let title = "Join body and head"
    public static let source = "model = nn.Sequential(body, head)"
    public static let facts: FactSchema = [.list("children"), .object("params", "body", "head", "total"), "total", "pipeline"]
    public var access: StepAccess { StepAccess(needs: [Slots.body, Slots.head], makes: [Slots.model]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let body = try state.need(Slots.body)
        let head = try state.need(Slots.head)
        let model = Sequential(body, head)
        try state.make(Slots.model, model)
        var f = Facts()
        f["children"] = .list([.text("0: body (\(body.typeName))"), .text("1: head (\(head.typeName))")])
        f["params"] = .object([
            ("total", .int(model.parameterCount())), ("body", .int(body.parameterCount())), ("head", .int(head.parameterCount())),
        ])
        f["total"] = .int(model.parameterCount())
        f["pipeline"] = .text(state.pipeline.line)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let params = f["params"]
        return MD.table(
            ["", "module", "parameters"],
            [
                ["`model[0]`", "body", params?["body"] ?? "—"], ["`model[1]`", "head", params?["head"] ?? "—"],
                ["", "**total**", "**\(params?["total"] ?? "—")**"],
            ], right: [2]) + "\n" + MD.pipeline(f["pipeline"])
    }
}
