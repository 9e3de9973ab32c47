import Tensors

/// `nn.ReLU`; `inplace` only changes the printed form here, as values are never aliased.
public final class ReLU: Module {
    public let inplace: Bool
    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor { x.relu() }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}
