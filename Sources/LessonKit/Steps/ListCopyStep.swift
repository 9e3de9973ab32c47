import Fastai
import NN

/// The forum attempt: assign a new first conv into `list(body.children())` and see the body unchanged.
public struct ListCopyStep: LessonStep {
    public static let id = "list_copy"
    public static let title = "Assign into a list of children"
    public static let source = "layers = list(body.children()); layers[0] = nn.Conv2d(4, 64, kernel_size=7, stride=2, padding=3, bias=False)"
    public static let facts: FactSchema = ["list_first", "list_in_channels", "body_first", "body_in_channels", "same_object", "changed"]
    public var access: StepAccess { StepAccess(needs: [Slots.body]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let body = try state.need(Slots.body)
        guard p.inChannels != 3 else {
            throw StepError("list_copy makes a conv for other input channels: give the cell `#| in_channels: 4`")
        }
        // `list(m.children())` builds a new list; a Swift array of the children is the same kind of copy.
        var layers = body.children
        guard let conv = layers.first as? Conv2d else {
            throw StepError(
                "list_copy needs a body whose first child is a Conv2d (a resnet's conv1); this one starts with \(layers.first?.typeName ?? "nothing")"
            )
        }
        let before = try inChannels(body)
        let g = conv.geometry
        let replacement = Conv2d(
            p.inChannels, conv.outChannels, kernelSize: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation,
            groups: g.groups, bias: conv.bias != nil)
        layers[0] = replacement
        let after = try inChannels(body)
        var f = Facts()
        f["list_first"] = .text(replacement.description)
        f["list_in_channels"] = .int((layers[0] as? Conv2d)?.inChannels ?? 0)
        f["body_first"] = .text(body.children[0].description)
        f["body_in_channels"] = .int(after)
        f["same_object"] = .bool(layers[0] === body.children[0])
        f["changed"] = .bool(after != before)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = MD.table(
            ["", "first layer", "input channels"],
            [
                ["`layers[0]` (the list)", MD.code(f["list_first"]?.prose ?? ""), MD.number(f["list_in_channels"])],
                ["`body[0]` (the model)", MD.code(f["body_first"]?.prose ?? ""), MD.number(f["body_in_channels"])],
            ], right: [2])
        out += "\nSame object: \(f["same_object"]?.prose ?? ""). The body changed: \(f["changed"]?.prose ?? "").\n"
        return out
    }
}
