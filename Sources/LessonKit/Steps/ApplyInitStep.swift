import Fastai
import NN

/// Line 9: `apply_init(model[1], nn.init.kaiming_normal_)`.
public struct ApplyInitStep: LessonStep {
    public static let id = "apply_init"
    public static let title = "Initialise the head"
    public static let source = "apply_init(model[1], nn.init.kaiming_normal_)"
    public static let facts: FactSchema = [
        .list("layers", "name", "type", .shape("shape"), "expected_std", "measured_std"), "count", "zeroed_biases",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.model]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let model = try state.need(Slots.model)
        guard let head = (model as? Sequential)?[1] else { throw StepError("model[1] does not exist") }
        let done = applyInit(head, generator: &state.generator)
        var f = Facts()
        f["layers"] = .list(
            done.map {
                .object([
                    ("name", .text("model[1][\($0.name)]")), ("type", .text($0.typeName)), ("shape", .shape($0.weightShape)),
                    ("expected_std", .number($0.expectedStd, places: 4)), ("measured_std", .number($0.measuredStd, places: 4)),
                ])
            })
        f["count"] = .int(done.count)
        f["zeroed_biases"] = .int(done.filter(\.zeroedBias).count)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let biases = f["zeroed_biases"]?.prose ?? "0"
        let count = f["count"]?.prose ?? "0"
        let bias =
            biases == count
            ? "and zeroes their biases" : biases == "0" ? "(none of those layers has a bias to zero)" : "and zeroes the \(biases) biases among them"
        var out = "`kaiming_normal_` (fan_in, gain √2) re-draws \(MD.number(f["count"])) weight tensors \(bias); BatchNorm layers are skipped.\n\n"
        out += MD.table(
            ["layer", "weight", "expected std √2/√fan_in", "measured std"],
            MD.items(f["layers"]).map { [MD.code($0["name"]), MD.code($0["shape"]), $0["expected_std"], $0["measured_std"]] },
            right: [2, 3])
        return out
    }
}
