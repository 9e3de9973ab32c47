import NN
import Tensors

/// Opens one block of the body: its layers with kernel sizes and channels, and the shapes one image
/// has going in and coming out.
public struct BlockStep: LessonStep {
    public static let id = "block"
    public static let title = "Open one block"
    public static let source = "print(body[4][0])"
    public static let options = ["path"]
    public static let facts: FactSchema = [
        "path", "type", .list("layers", "name", "layer", "params", "kernel", "in", "out"), "params", .shape("in_shape"), .shape("out_shape"), "convs",
        "first_width", "expansion",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.body]) }

    /// Dotted child names from the body (`4.0` is `body[4][0]`, a resnet's first block of layer1).
    var path: [String]

    public init(options: [String: String]) throws(ParameterError) {
        let raw = options["path"] ?? "4.0"
        path = raw.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
            throw ParameterError("path expects dotted child names from the body such as 4.0, got '\(raw)'")
        }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let body = try state.need(Slots.body)
        var block: Module = body
        for name in path {
            guard let next = block.child(name) else {
                throw StepError(
                    "body.\(path.joined(separator: ".")) does not exist: \(block.typeName) has children \(block.namedChildren.map(\.name).joined(separator: ", "))"
                )
            }
            block = next
        }
        var shapes: ([Int], [Int])?
        let input = Tensor.normal([1, p.inChannels, p.imageSize, p.imageSize], generator: &state.generator)
        _ = try body.inEvalMode {
            try Module.observing([block], { _, _, x, y in if shapes == nil { shapes = (x.shape, y.shape) } }) { try body(input) }
        }

        let convs = block.modules.compactMap { $0 as? Conv2d }
        var f = Facts()
        f["path"] = .text(path.joined(separator: "."))
        f["type"] = .text(block.typeName)
        f["layers"] = .list(
            block.namedChildren.map { name, m in
                var fields: [(String, FactValue)] = [("name", .text(name)), ("layer", .text(Self.describe(m))), ("params", .int(m.parameterCount()))]
                if let c = m as? Conv2d {
                    fields += [
                        ("kernel", .text("\(c.geometry.kernel.0)×\(c.geometry.kernel.1)")), ("in", .int(c.inChannels)), ("out", .int(c.outChannels)),
                    ]
                }
                return .object(fields)
            })
        f["params"] = .int(block.parameterCount())
        if let shapes {
            f["in_shape"] = .shape(shapes.0)
            f["out_shape"] = .shape(shapes.1)
            if let first = convs.first, shapes.1.count == 4 {
                f["first_width"] = .int(first.outChannels)
                f["expansion"] = .int(shapes.1[1] / first.outChannels)
            }
        }
        f["convs"] = .int(convs.count)
        return f
    }

    /// `Conv2d 3×3, 64 → 64, stride 1`; containers list their layers.
    static func describe(_ m: Module) -> String {
        switch m {
        case let c as Conv2d:
            "Conv2d \(c.geometry.kernel.0)×\(c.geometry.kernel.1), \(c.inChannels) → \(c.outChannels), stride \(c.geometry.stride.0)"
        case let b as BatchNorm: "\(b.typeName)(\(b.numFeatures))"
        default: m.namedChildren.isEmpty ? m.typeName : m.namedChildren.map { describe($0.module) }.joined(separator: " + ")
        }
    }

    public func markdown(_ f: Facts) -> String {
        var out = "`body.\(f["path"]?.prose ?? "")` is a \(MD.text(f["type"]?.prose ?? "")):\n\n"
        out += MD.table(
            ["child", "layer", "parameters"],
            MD.items(f["layers"]).map { [MD.code($0["name"]), MD.text($0["layer"]), $0["params"]] }, right: [2])
        out += "\n\(MD.number(f["params"])) parameters in \(MD.number(f["convs"])) convolutions. "
        if f["in_shape"] != nil {
            out += "One image enters it as \(MD.shape(f["in_shape"])) and leaves as \(MD.shape(f["out_shape"])).\n"
        }
        return out
    }
}
