import NN
import Tensors

/// What adapting the first convolution to other input channels did.
public struct FirstLayerChange: Sendable, Equatable {
    /// Dotted path of the replaced conv (`0`, `features.conv0`).
    public var path: String
    public var oldInChannels: Int
    public var newInChannels: Int
    /// How the new weights were made.
    public var rule: String
}

/// fastai v2's `_update_first_layer`: replace the first `Conv2d` by one taking `nIn` channels. With
/// pretrained weights: 1 channel sums the RGB filters, 2 keeps the first two ×1.5, ≥4 copies RGB
/// and zeroes the rest. Without, the new conv keeps PyTorch's default init.
public func updateFirstLayer(_ model: Module, nIn: Int, pretrained: Bool, generator: inout RandomGenerator)
    throws(FastaiError) -> FirstLayerChange?
{
    guard nIn != 3 else { return nil }
    guard nIn >= 1 else { throw FastaiError("in_channels must be at least 1, got \(nIn)") }
    guard let (path, parent, name, old) = firstLayer(of: model) else {
        throw FastaiError("the model has no layers")
    }
    guard let conv = old as? Conv2d else {
        throw FastaiError("Change of input channels only supported with Conv2d, found \(old.typeName)")
    }
    guard conv.inChannels == 3 else {
        throw FastaiError("Unexpected number of input channels, found \(conv.inChannels) while expecting 3")
    }
    let g = conv.geometry
    let new = Conv2d(
        nIn, conv.outChannels, kernelSize: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation,
        groups: g.groups, bias: conv.bias != nil)
    new.resetParameters(generator: &generator)
    var rule = "PyTorch's default initialisation (no pretrained weights to adapt)"
    if pretrained {
        let w = conv.weight.value
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let plane = kh * kw
        var out = [Float](repeating: 0, count: o * nIn * plane)
        for f in 0..<o {
            for c in 0..<nIn {
                for k in 0..<plane {
                    let rgb = { (ch: Int) in w.storage[(f * 3 + ch) * plane + k] }
                    let v: Float =
                        switch nIn {
                        case 1: rgb(0) + rgb(1) + rgb(2)
                        case 2: rgb(c) * 1.5
                        default: c < 3 ? rgb(c) : 0
                        }
                    out[(f * nIn + c) * plane + k] = v
                }
            }
        }
        new.weight.value = Tensor(shape: [o, nIn, kh, kw], storage: out)
        if let b = conv.bias { new.bias?.value = b.value }
        rule =
            switch nIn {
            case 1: "the sum of the pretrained RGB filters"
            case 2: "the first two pretrained channels × 1.5"
            default: "the pretrained RGB filters, and zeros for channels 4–\(nIn)"
            }
    }
    parent.setChild(name, new)
    return FirstLayerChange(path: path, oldInChannels: 3, newInChannels: nIn, rule: rule)
}

/// fastai's `_get_first_layer`: the first leaf, reached by following first children, with its
/// dotted path, its parent and its name there (so it can be replaced in place).
public func firstLayer(of model: Module) -> (path: String, parent: Module, name: String, module: Module)? {
    var parent = model
    var path: [String] = []
    while let (name, child) = parent.namedChildren.first {
        path.append(name)
        if child.namedChildren.isEmpty { return (path.joined(separator: "."), parent, name, child) }
        parent = child
    }
    return nil
}
