import Foundation
import NN
import Tensors

/// The keyword arguments fastai v2's `create_head` adds to v1's, with v2's defaults.
public struct HeadOptionsV2: Sendable, Equatable {
    /// `pool=True`: start with a pooling layer and `Flatten`.
    public var pool = true
    /// `concat_pool=True`: that pool is `AdaptiveConcatPool2d`, so `nf` is doubled inside `create_head`.
    public var concatPool = true
    /// `first_bn=True`: the first block starts with BatchNorm (and its Linear then has no bias).
    public var firstBN = true
    /// `bn_final=False`: no BatchNorm1d(momentum=0.01) after the last Linear.
    public var bnFinal = false
    /// `lin_first=False`: blocks are BatchNorm, Dropout, Linear (True puts the Linear first).
    public var linFirst = false
    /// `y_range=None`: no `SigmoidRange(low, high)` at the end.
    public var yRange: [Float]?

    public init() {}
}

/// What v2's `create_head` decided before building layers.
public struct HeadPlanV2: Sendable, Equatable {
    /// The features that reach the first Linear: `nf`, doubled when pooling by concatenation.
    public var nf: Int
    /// `[nf] + lin_ftrs + [n_out]`.
    public var sizes: [Int]
    /// Dropout per block, after the p/2 rule (and after `lin_first` popped the first one).
    public var ps: [Float]
    /// BatchNorm per block: `[first_bn] + [True, …]`.
    public var bns: [Bool]
    /// Dropout `lin_first` puts right after `Flatten`.
    public var leadingDropout: Float?
    /// The blocks `zip` keeps.
    public var blocks: Int { min(sizes.count - 1, ps.count) }

    /// fastai v2's rules; the ×2 for concat pooling happens here, not in the caller.
    public init(nf: Int, nOut: Int, linFtrs: [Int]?, ps: DropoutSpec, options: HeadOptionsV2) throws(FastaiError) {
        guard nf > 0 else { throw FastaiError("nf must be positive, got \(nf)") }
        guard nOut > 0 else { throw FastaiError("n_out must be positive, got \(nOut)") }
        if let bad = linFtrs?.first(where: { $0 <= 0 }) { throw FastaiError("lin_ftrs sizes must be positive, got \(bad)") }
        self.nf = options.pool && options.concatPool ? nf * 2 : nf
        sizes = [self.nf] + (linFtrs ?? [512]) + [nOut]
        bns = [options.firstBN] + Array(repeating: true, count: sizes.count - 1)
        var list: [Float]
        switch ps {
        case .single(let p): list = [p]
        case .list(let l): list = l
        }
        guard !list.isEmpty else { throw FastaiError("ps must hold at least one dropout probability") }
        if let bad = list.first(where: { !($0 >= 0 && $0 < 1) }) {
            throw FastaiError("dropout probability has to be in [0, 1), but got \(pythonFloat(bad))")
        }
        if list.count == 1 { list = Array(repeating: list[0] / 2, count: sizes.count - 2) + list }
        if options.linFirst { leadingDropout = list.removeFirst() }
        self.ps = list
    }
}

/// fastai v2's `LinBnDrop`: BatchNorm1d (`bn`), Dropout (p > 0), Linear — with `bias=not bn` — and
/// the activation; `lin_first` puts the Linear and activation before the BatchNorm and Dropout.
public func linBnDrop(_ nIn: Int, _ nOut: Int, bn: Bool = true, p: Float = 0, activation: Module? = nil, linFirst: Bool = false)
    -> [Module]
{
    var norm: [Module] = []
    if bn {
        // v2's `BatchNorm(n, ndim=1)` starts with weight 1 and bias 1e-3.
        let layer = BatchNorm1d(linFirst ? nOut : nIn)
        layer.bias.value = Tensor(shape: [layer.numFeatures], repeating: 1e-3)
        norm.append(layer)
    }
    if p != 0 { norm.append(Dropout(p: p)) }
    var lin: [Module] = [Linear(nIn, nOut, bias: !bn)]
    if let activation { lin.append(activation) }
    return linFirst ? lin + norm : norm + lin
}

/// fastai v2's `create_head(nf, n_out, lin_ftrs, ps, pool, concat_pool, first_bn, bn_final, lin_first, y_range)`.
/// `nf` is the body's feature count (v2 doubles it here); every hidden ReLU is one shared module, as in v1.
public func createHeadV2(
    nf: Int, nOut: Int, linFtrs: [Int]? = nil, ps: DropoutSpec = .single(0.5), options: HeadOptionsV2 = HeadOptionsV2(),
    generator: inout RandomGenerator
) throws(FastaiError) -> (head: Sequential, plan: HeadPlanV2) {
    let plan = try HeadPlanV2(nf: nf, nOut: nOut, linFtrs: linFtrs, ps: ps, options: options)
    if let range = options.yRange, range.count != 2 || !(range[0] < range[1]) {
        throw FastaiError("y_range expects two numbers (low, high) with low < high")
    }
    let relu = ReLU(inplace: true)
    var layers: [Module] = []
    if options.pool {
        layers += [options.concatPool ? AdaptiveConcatPool2d() : AdaptiveAvgPool2d(.square(1)), Flatten()]
    }
    if let p = plan.leadingDropout { layers.append(Dropout(p: p)) }
    let sizes = plan.sizes
    for i in 0..<plan.blocks {
        let last = i == sizes.count - 2
        layers += linBnDrop(sizes[i], sizes[i + 1], bn: plan.bns[i], p: plan.ps[i], activation: last ? nil : relu, linFirst: options.linFirst)
    }
    if options.linFirst { layers.append(Linear(sizes[sizes.count - 2], nOut)) }
    if options.bnFinal { layers.append(BatchNorm1d(sizes[sizes.count - 1], momentum: 0.01)) }
    if let range = options.yRange { layers.append(SigmoidRange(range[0], range[1])) }
    let head = Sequential(layers)
    for m in head.modules {
        if m is Linear { m.resetParameters(generator: &generator) }
    }
    return (head, plan)
}
