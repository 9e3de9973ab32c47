import NN

/// Line 5: `model = nn.Sequential(body, head)`.
public struct SequentialStep: LessonStep {
    public static let id = "sequential"
    public static let title = "Join body and head"
    public static let source = "model = nn.Sequential(body, head)"
    public static let factKeys = ["children", "params", "total", "pipeline"]
    public static let needs: [Slot] = [.body, .head]
    public static let makes: [Slot] = [.model]

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ context: LessonContext, _ p: LessonParameters) throws -> Facts {
        let body = try context.require(context.body, .body)
        let head = try context.require(context.head, .head)
        let model = Sequential(body, head)
        context.model = model
        var f = Facts()
        f["children"] = .list([.text("0: body (\(body.typeName))"), .text("1: head (\(head.typeName))")])
        f["params"] = .object([
            ("total", .int(model.parameterCount())), ("body", .int(body.parameterCount())), ("head", .int(head.parameterCount())),
        ])
        f["total"] = .int(model.parameterCount())
        f["pipeline"] = .text(context.pipeline.line)
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
