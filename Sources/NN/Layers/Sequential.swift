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
        for (name, _) in namedChildren { y = try run(name, y) }
        return y
    }
}
