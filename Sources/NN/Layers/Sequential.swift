import Tensors

/// `nn.Sequential`: children named `0`, `1`, … called in order.
public final class Sequential: Module {
    /// Children named by position.
    public init(_ layers: [Module]) {
        super.init()
        for (i, layer) in layers.enumerated() { setChild(String(i), layer) }
    }

    /// Children with explicit names (an `OrderedDict`).
    public init(named layers: [(String, Module)]) {
        super.init()
        for (name, layer) in layers { setChild(name, layer) }
    }

    public convenience init(_ layers: Module...) { self.init(layers) }

    /// The child at a position (`seq[i]`), with Python's negative indices.
    public subscript(_ i: Int) -> Module? {
        let all = namedChildren
        let j = i < 0 ? all.count + i : i
        return all.indices.contains(j) ? all[j].module : nil
    }

    /// The number of children.
    public var count: Int { namedChildren.count }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var y = x
        let layers = namedChildren
        var i = 0
        while i < layers.count {
            // conv → BatchNorm2d (→ ReLU) may run fused (see `runConvBN`).
            if layers[i].module is Conv2d, i + 1 < layers.count, layers[i + 1].module is BatchNorm2d {
                let relu = i + 2 < layers.count && layers[i + 2].module is ReLU ? layers[i + 2].name : nil
                y = try runConvBN(layers[i].name, layers[i + 1].name, relu: relu, y)
                i += relu == nil ? 2 : 3
                continue
            }
            y = try run(layers[i].name, y)
            i += 1
        }
        return y
    }
}
