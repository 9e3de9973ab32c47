import NN
import Tensors

/// fastai v1's `OptimWrapper.create(AdamW, lr, layer_groups, wd, true_wd, bn_wd)` over a model's
/// `Parameter`s: the param groups of `split_no_wd_params` (per layer group a `wd` and a `nowd` group;
/// `nowd` = BatchNorm parameters and Linear/Conv biases, the bias taken whether or not it trains,
/// everything else only when trainable), with `AdamW`'s math on their flat buffers.
public struct LearnerOptimizer {
    /// The parameters in slot order (`[g0 wd…, g0 nowd…, g1 wd…, …]`).
    public let parameters: [Parameter]
    /// The Adam state and hyper-parameters, one slot per parameter.
    public var adam: AdamW

    /// The param groups for `layerGroups` (lists of leaf modules), taken as fastai does at creation time.
    public init(layerGroups: [[Module]], lr: [Double], wd: Double = 0, trueWD: Bool = true, bnWD: Bool = true) throws(TrainingError) {
        var parameters: [Parameter] = []
        var slots: [AdamW.Slot] = []
        for (g, group) in layerGroups.enumerated() {
            var decay: [Parameter] = [], noDecay: [Parameter] = []
            for leaf in group {
                if leaf is BatchNorm {
                    noDecay += leaf.parameters.filter(\.requiresGrad)
                } else if let bias = (leaf as? Linear)?.bias ?? (leaf as? Conv2d)?.bias {
                    decay += leaf.parameters.filter { $0.requiresGrad && $0 !== bias }
                    noDecay.append(bias)
                } else {
                    decay += leaf.parameters.filter(\.requiresGrad)
                }
            }
            for (list, inDecay) in [(Self.unique(decay), true), (Self.unique(noDecay), false)] {
                parameters += list
                slots += list.map { _ in AdamW.Slot(layerGroup: g, inDecayGroup: inDecay) }
            }
        }
        self.parameters = parameters
        adam = try AdamW(
            slots: slots, layerGroups: layerGroups.count, lr: lr, wd: [wd], mom: [0.9], beta: [0.99], trueWD: trueWD, bnWD: bnWD)
    }

    /// `uniqueify`: first occurrence of each parameter, order kept.
    static func unique(_ list: [Parameter]) -> [Parameter] {
        var seen = Set<ObjectIdentifier>()
        return list.filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    /// `opt.step()`: decays and updates every parameter from its `grad` (nil: Adam skips it) and
    /// writes the new values back (bumping each parameter's version).
    public mutating func step() throws(TrainingError) {
        try adam.checkHyperParameters()
        guard parameters.count == adam.slots.count else {
            throw TrainingError("the optimizer has \(adam.slots.count) slots for \(parameters.count) parameters")
        }
        for (i, p) in parameters.enumerated() { try adam.check(i, count: p.count, gradientCount: p.grad?.count) }
        // In place, one pass per parameter (decay and Adam together).
        for (i, p) in parameters.enumerated() where p.grad != nil || adam.decays(i, hasGradient: false) {
            let gradient = p.grad
            p.value.withUnsafeMutableBufferPointer { values in
                if let gradient {
                    gradient.storage.withUnsafeBufferPointer { g in adam.update(i, values, g) }
                } else {
                    adam.update(i, values, nil)
                }
            }
        }
    }

    /// `opt.zero_grad()`.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}
