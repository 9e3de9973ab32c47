import NN

/// `print(m)`: a module as PyTorch prints it.
public struct TreeStep: LessonStep {
    public static let id = "tree"
    public static let title = "Print a module"
    public static let source = "print(learn.model[1])"
    public static let options = ["target"]
    public static let facts: FactSchema = ["target", "repr", "lines", "children"]
    public var access: StepAccess {
        switch target {
        case "body": StepAccess(needs: [Slots.body])
        case "model": StepAccess(needs: [Slots.model])
        case "arch": StepAccess(needs: [Slots.architecture])
        default: StepAccess(needs: [Slots.head])
        }
    }

    var target: String

    public init(options: [String: String]) throws(ParameterError) {
        target = options["target"] ?? "head"
        guard ["head", "body", "model", "arch"].contains(target) else {
            throw ParameterError("target expects head, body, model or arch, got '\(target)'")
        }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let m: Module =
            switch target {
            case "body": try state.need(Slots.body)
            case "model": try state.need(Slots.model)
            case "arch": try state.need(Slots.architecture).model
            default: try state.need(Slots.head)
            }
        var f = Facts()
        f["target"] = .text(target)
        f["repr"] = .text(m.description)
        f["lines"] = .int(m.description.split(separator: "\n").count)
        f["children"] = .int(m.namedChildren.count)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let text = f["repr"]?.prose ?? ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let shown = lines.count > 60 ? (lines.prefix(40) + ["  … (\(lines.count - 50) more lines)"] + lines.suffix(10)).joined(separator: "\n") : text
        return "```text\n\(shown)\n```\n"
    }
}
