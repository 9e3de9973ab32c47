import NN

/// `print(m)`: a module as PyTorch prints it.
public struct TreeStep: LessonStep {
    public static let id = "tree"
    public static let title = "Print a module"
    public static let source = "print(learn.model[1])"
    public static let options = ["target"]
    public static let factKeys = ["target", "repr", "lines", "children"]
    public static let needs: [Slot] = []
    public static let makes: [Slot] = []

    var target: String

    public init(options: [String: String]) throws(ParameterError) {
        target = options["target"] ?? "head"
        guard ["head", "body", "model", "arch"].contains(target) else {
            throw ParameterError("target expects head, body, model or arch, got '\(target)'")
        }
    }

    public func run(_ context: LessonContext, _ p: LessonParameters) throws -> Facts {
        let m: Module =
            switch target {
            case "body": try context.require(context.body, .body)
            case "model": try context.require(context.model, .model)
            case "arch": try context.require(context.pretrainedModel, .body)
            default: try context.require(context.head, .head)
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
