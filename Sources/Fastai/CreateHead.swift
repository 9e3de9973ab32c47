import NN
import Tensors

/// How `create_head` spreads dropout over its linear blocks.
public enum DropoutSpec: Sendable, Equatable, CustomStringConvertible {
    /// One value p: p/2 for every block but the last, p for the last.
    case single(Float)
    /// One value per block, used as given (extra blocks are silently dropped by `zip`).
    case list([Float])

    public var description: String {
        switch self {
        case .single(let p): pythonFloat(p)
        case .list(let ps): "[" + ps.map(pythonFloat).joined(separator: ", ") + "]"
        }
    }
}

/// The plan `create_head` follows before building layers: sizes, dropout and activations.
public struct HeadPlan: Sendable, Equatable {
    /// `[nf] + lin_ftrs + [nc]`.
    public var sizes: [Int]
    /// Dropout per block after `listify` and the p/2 rule.
    public var ps: [Float]
    /// The number of (BatchNorm1d, Dropout, Linear, activation) blocks `zip` keeps.
    public var blocks: Int { min(sizes.count - 1, ps.count) }
    /// Blocks that `zip` dropped because `ps` was shorter than the sizes.
    public var truncatedBlocks: Int { sizes.count - 1 - blocks }

    /// fastai v1's rules: `lin_ftrs = [nf, 512, nc]` by default; a single p becomes `[p/2]*(n-2) + [p]`.
    public init(nf: Int, nc: Int, linFtrs: [Int]?, ps: DropoutSpec) throws(FastaiError) {
        guard nf > 0 else { throw FastaiError("nf must be positive, got \(nf)") }
        guard nc > 0 else { throw FastaiError("the number of classes must be positive, got \(nc)") }
        if let bad = linFtrs?.first(where: { $0 <= 0 }) {
            throw FastaiError("lin_ftrs sizes must be positive, got \(bad)")
        }
        sizes = [nf] + (linFtrs ?? [512]) + [nc]
        switch ps {
        case .single(let p):
            try Self.checkDropout(p)
            self.ps = Array(repeating: p / 2, count: sizes.count - 2) + [p]
        case .list(let list):
            guard !list.isEmpty else { throw FastaiError("ps must hold at least one dropout probability") }
            for p in list { try Self.checkDropout(p) }
            self.ps = list.count == 1 ? Array(repeating: list[0] / 2, count: sizes.count - 2) + list : list
        }
    }

    private static func checkDropout(_ p: Float) throws(FastaiError) {
        guard p >= 0 && p < 1 else { throw FastaiError("dropout probability has to be in [0, 1), but got \(pythonFloat(p))") }
    }
}

/// fastai's `bn_drop_lin`: BatchNorm1d, Dropout (omitted when p == 0), Linear, then the activation.
public func bnDropLin(_ nIn: Int, _ nOut: Int, bn: Bool = true, p: Float = 0, activation: Module? = nil) -> [Module] {
    var layers: [Module] = []
    if bn { layers.append(BatchNorm1d(nIn)) }
    if p != 0 { layers.append(Dropout(p: p)) }
    layers.append(Linear(nIn, nOut))
    if let activation { layers.append(activation) }
    return layers
}

/// `create_head(nf, nc, lin_ftrs, ps)`: concat pool, flatten, then one bn-drop-lin block per pair
/// of sizes. As in fastai, every ReLU in the head is the same module object.
public func createHead(
    nf: Int, nc: Int, linFtrs: [Int]? = nil, ps: DropoutSpec = .single(0.5), generator: inout RandomGenerator
) throws(FastaiError) -> Sequential {
    createHead(try HeadPlan(nf: nf, nc: nc, linFtrs: linFtrs, ps: ps), generator: &generator)
}

/// `create_head` from a plan already made (sizes and dropout settled).
public func createHead(_ plan: HeadPlan, generator: inout RandomGenerator) -> Sequential {
    let relu = ReLU(inplace: true)
    var layers: [Module] = [AdaptiveConcatPool2d(), Flatten()]
    for i in 0..<plan.blocks {
        let last = i == plan.sizes.count - 2
        layers += bnDropLin(plan.sizes[i], plan.sizes[i + 1], p: plan.ps[i], activation: last ? nil : relu)
    }
    let head = Sequential(layers)
    for m in head.modules { m.resetParameters(generator: &generator) }
    return head
}
