import Fastai
import NN
import Tensors

/// Runs a real batch through the model, the body or the head, and shows the shapes on the way.
public struct ForwardStep: LessonStep {
    public static let id = "forward"
    public static let title = "Run a batch"
    public static let source = "x, y = data.one_batch(); out = learn.model.eval()(x)"
    public static let options = ["target", "channels", "expect_error"]
    public static let facts: FactSchema = [
        "target", .shape("input_shape"), .shape("output_shape"), .list("stages", "name", .shape("shape")), .list("first_row"), "error",
        "error_location", "error_layer", "probabilities",
    ]
    public var access: StepAccess { StepAccess(needs: [target == .body ? Slots.body : Slots.model]) }

    enum Target: String { case model, body }
    var target: Target
    var channels: Int?
    /// A lesson that shows a failure (a 4-channel batch into a 3-channel conv) renders it instead of stopping.
    var expectError: Bool

    public init(options: [String: String]) throws(ParameterError) {
        guard let t = Target(rawValue: options["target"] ?? "model") else {
            throw ParameterError("target expects 'model' or 'body', got '\(options["target"] ?? "")'")
        }
        target = t
        if let c = options["channels"] {
            guard let v = Int(c), v >= 1 && v <= 64 else { throw ParameterError("channels expects an integer from 1 to 64, got '\(c)'") }
            channels = v
        }
        if let raw = options["expect_error"] { expectError = try LessonParameters.bool(raw, "expect_error") } else { expectError = false }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let module: Module = target == .body ? try state.need(Slots.body) : try state.need(Slots.model)
        let input = Tensor.normal([p.batchSize, channels ?? p.inChannels, p.imageSize, p.imageSize], generator: &state.generator)
        var f = Facts()
        f["target"] = .text(target.rawValue)
        f["input_shape"] = .shape(input.shape)
        var stages: [FactValue] = []
        let watched: [(String, Module)] =
            target == .model
            ? [("body", (module as? Sequential)?[0]), ("head", (module as? Sequential)?[1])].compactMap { n, m in m.map { (n, $0) } }
                + ((module as? Sequential)?[1]?.namedChildren.map { ("head[\($0.name)] \($0.module.typeName)", $0.module) } ?? [])
            : module.namedChildren.map { ("\($0.name) \($0.module.typeName)", $0.module) }
        // A module that fills several slots (create_head's one ReLU) gets one hook, named after every slot.
        var distinct: [(String, Module)] = []
        for (name, m) in watched {
            if let i = distinct.firstIndex(where: { $0.1 === m }) {
                distinct[i].0 = distinct[i].0.replacingOccurrences(of: " \(m.typeName)", with: "") + "/" + name
            } else {
                distinct.append((name, m))
            }
        }
        do {
            let y = try module.inEvalMode {
                try Module.observing(
                    distinct.map(\.1), { i, _, _, y in stages.append(.object([("name", .text(distinct[i].0)), ("shape", .shape(y.shape))])) }
                ) { try module(input) }
            }
            f["output_shape"] = .shape(y.shape)
            f["stages"] = .list(stages)
            if y.rank == 2 {
                f["first_row"] = .list(y.storage.prefix(min(5, y.shape[1])).map { .number(Double($0), places: 3) })
                let probs = try y.softmax(dim: 1)
                f["probabilities"] = .number(Double(probs.storage.prefix(y.shape[1]).reduce(0, +)), places: 3)
            }
        } catch let error as ForwardError where expectError {
            f["error"] = .text(error.message)
            f["error_location"] = .text(error.location)
            f["error_layer"] = .text(Self.indexing(error.location, from: target.rawValue))
            f["stages"] = .list(stages)
        }
        return f
    }

    /// A module path as Python reaches it: `0.0` from `model` is `model[0][0]`, `0.conv1` is `model[0].conv1`.
    static func indexing(_ path: String, from root: String) -> String {
        path.split(separator: ".").reduce(root) { $1.allSatisfy(\.isNumber) ? "\($0)[\($1)]" : "\($0).\($1)" }
    }

    public func markdown(_ f: Facts) -> String {
        if let error = f["error"] {
            return
                "The batch \(MD.shape(f["input_shape"])) does not go through. PyTorch stops at \(MD.code(f["error_layer"]?.prose ?? "")):\n\n```text\n\(error.prose)\n```\n"
        }
        var out = "A batch \(MD.shape(f["input_shape"])) goes through the \(f["target"]?.prose ?? "model") in eval mode:\n\n"
        out += MD.table(["after", "shape"], MD.items(f["stages"]).map { [MD.text($0["name"]), MD.code($0["shape"])] })
        out += "\nOutput: \(MD.shape(f["output_shape"]))"
        if let row = f["first_row"] { out += "; the first image's first scores are \(MD.code(row.prose))" }
        return out + ".\n"
    }
}
