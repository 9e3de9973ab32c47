import NN

/// Counts a module's slots, its distinct children and its leaves, and names the slots that hold
/// the same object (fastai's head puts one ReLU in every hidden block).
public struct SharedModulesStep: LessonStep {
    public static let id = "shared_modules"
    public static let title = "Count slots, modules and leaves"
    public static let source = "len(head), len(list(head.children())), len(flatten_model(head))"
    public static let options = ["target"]
    public static let facts: FactSchema = [
        "target", "slots", "children", "leaves", .list("leaf_types"), .list("shared", "type", .list("slots")), "shared_count",
    ]
    public var access: StepAccess {
        switch target {
        case "body": StepAccess(needs: [Slots.body])
        case "model": StepAccess(needs: [Slots.model])
        default: StepAccess(needs: [Slots.head])
        }
    }

    var target: String

    public init(options: [String: String]) throws(ParameterError) {
        target = options["target"] ?? "head"
        guard ["head", "body", "model"].contains(target) else {
            throw ParameterError("target expects head, body or model, got '\(target)'")
        }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let m: Module =
            switch target {
            case "body": try state.need(Slots.body)
            case "model": try state.need(Slots.model)
            default: try state.need(Slots.head)
            }
        var slotsOf: [ObjectIdentifier: [String]] = [:]
        var order: [(ObjectIdentifier, Module)] = []
        for (name, child) in m.namedChildren {
            let id = ObjectIdentifier(child)
            if slotsOf[id] == nil { order.append((id, child)) }
            slotsOf[id, default: []].append(name)
        }
        let shared = order.filter { (slotsOf[$0.0]?.count ?? 0) > 1 }
        var f = Facts()
        f["target"] = .text(target)
        f["slots"] = .int(m.namedChildren.count)
        f["children"] = .int(m.children.count)
        f["leaves"] = .int(m.leaves.count)
        f["leaf_types"] = .list(m.leaves.map { .text($0.typeName) })
        f["shared"] = .list(
            shared.map { id, child in
                .object([("type", .text(child.typeName)), ("slots", .list((slotsOf[id] ?? []).map(FactValue.text)))])
            })
        f["shared_count"] = .int(shared.count)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = MD.table(
            ["what is counted", "\(MD.code(f["target"]?.prose ?? ""))"],
            [
                ["slots, `len(\(f["target"]?.prose ?? ""))`", MD.number(f["slots"])],
                ["distinct children, `children()`", MD.number(f["children"])],
                ["leaves, `flatten_model`", MD.number(f["leaves"])],
            ], right: [1])
        out += "\nThe leaves, in order: " + MD.items(f["leaf_types"]).map { MD.text($0.prose) }.joined(separator: ", ") + ".\n"
        for s in MD.items(f["shared"]) {
            let slots = MD.items(s.member("slots")).map { MD.code("[\($0.prose)]") }.joined(separator: ", ")
            out += "\nSlots \(slots) hold one and the same \(MD.text(s["type"])) object.\n"
        }
        if MD.items(f["shared"]).isEmpty { out += "\nEvery slot holds its own module.\n" }
        return out
    }
}
