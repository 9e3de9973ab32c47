import Foundation
import Tensors

/// fastai v1's optimizer for `cnn_learner`: `OptimWrapper` over `partial(torch.optim.Adam, betas=(0.9, 0.99))`
/// with `true_wd=True`, on flat Float32 buffers (one per parameter), independent of any module type.
///
/// Every parameter sits in a slot: its layer group and whether it is in that group's `wd` or `nowd`
/// torch param group (`split_no_wd_params`: BatchNorm/LayerNorm params and Linear/Conv biases are `nowd`).
/// One step, per layer group i with rate `lr[i]` and decay `wd[i]`:
/// 1. with `trueWD`: every `wd` parameter, and with `bnWD` every `nowd` one, is multiplied by `1 − wd·lr`
///    (decoupled weight decay, before Adam and at the weights the gradient was computed for);
/// 2. Adam (torch's `_single_tensor_adam`, float32) on every parameter that has a gradient, with
///    `β1 = mom[i]` (the scheduled momentum, overwritten every batch), `β2 = beta[i]` (0.99), eps 1e-8, and bias
///    corrections `1 − β^t` with the *current* β1 and the parameter's own step count t.
///
/// fastai 1.0.61 decays a parameter even when it has no gradient (G12: a frozen Linear/Conv bias is in the
/// optimizer without a gradient); 1.0.62+ skips it. This follows 1.0.61, the reference release
/// (`decaysWithoutGradient = true`); set it to false for 1.0.62's behaviour. With `trueWD = false` the decay is
/// torch's L2 instead (`grad += wd·p` for `wd` groups, and for `nowd` groups only with `bnWD`).
public struct AdamW: Sendable, Equatable {
    /// Where a parameter sits: its layer group, and whether weight decay applies to its param group
    /// (`false` for the `nowd` group, which decays only with `bnWD`).
    public struct Slot: Sendable, Equatable {
        /// The layer group index (0 = the earliest layers).
        public var layerGroup: Int
        /// True for the `wd` param group, false for `nowd` (norm layers' params, Linear/Conv biases).
        public var inDecayGroup: Bool
        /// A slot.
        public init(layerGroup: Int, inDecayGroup: Bool) {
            self.layerGroup = layerGroup
            self.inDecayGroup = inDecayGroup
        }
    }

    /// torch's per-parameter Adam state, made at the parameter's first step with a gradient.
    public struct State: Sendable, Equatable, Codable {
        /// `exp_avg` (m).
        public var expAvg: [Float]
        /// `exp_avg_sq` (v).
        public var expAvgSq: [Float]
        /// `step`: the steps this parameter took.
        public var step: Int
        /// A state as torch keeps it.
        public init(expAvg: [Float], expAvgSq: [Float], step: Int) {
            self.expAvg = expAvg
            self.expAvgSq = expAvgSq
            self.step = step
        }
    }

    /// The slots, in the order parameters are passed to `step`.
    public let slots: [Slot]
    /// Per parameter, its Adam state (nil before its first step).
    public private(set) var states: [State?]
    /// Per layer group, the learning rate.
    public var lr: [Double]
    /// Per layer group, the weight decay.
    public var wd: [Double]
    /// Per layer group, Adam's β1 (fastai's `mom`).
    public var mom: [Double]
    /// Per layer group, Adam's β2 (fastai's `beta`, 0.99 for `AdamW`).
    public var beta: [Double]
    /// Adam's eps (torch's default, 1e-8).
    public var eps: Double = 1e-8
    /// Decoupled weight decay (`true_wd`, fastai's default) instead of L2.
    public var trueWD: Bool
    /// Whether the `nowd` groups are decayed too (`bn_wd`, fastai's default true).
    public var bnWD: Bool
    /// 1.0.61 (true) decays parameters without a gradient; 1.0.62+ (false) skips them.
    public var decaysWithoutGradient = true

    /// An optimizer over `slots.count` parameters in `layerGroups` groups. `lr`, `wd`, `mom` and `beta` take
    /// one value per layer group, or one value for all (fastai's `listify`).
    public init(
        slots: [Slot], layerGroups: Int, lr: [Double], wd: [Double] = [1e-2], mom: [Double] = [0.9],
        beta: [Double] = [0.99], trueWD: Bool = true, bnWD: Bool = true
    ) throws(TrainingError) {
        guard layerGroups >= 1 else { throw TrainingError("an optimizer needs at least one layer group, got \(layerGroups)") }
        if let bad = slots.first(where: { !(0..<layerGroups).contains($0.layerGroup) }) {
            throw TrainingError("a parameter is in layer group \(bad.layerGroup), but there are \(layerGroups) groups")
        }
        self.slots = slots
        states = [State?](repeating: nil, count: slots.count)
        self.lr = try Self.listify(lr, layerGroups, "lr")
        self.wd = try Self.listify(wd, layerGroups, "wd")
        self.mom = try Self.listify(mom, layerGroups, "mom")
        self.beta = try Self.listify(beta, layerGroups, "beta")
        self.trueWD = trueWD
        self.bnWD = bnWD
    }

    /// The number of layer groups.
    public var layerGroups: Int { lr.count }

    /// One `OptimWrapper.step()`: decays and updates `parameters` in place. `gradients[i]` is nil for a
    /// parameter without a gradient (Adam skips it). Both are in slot order and sized like the parameters.
    public mutating func step(parameters: inout [[Float]], gradients: [[Float]?]) throws(TrainingError) {
        guard parameters.count == slots.count, gradients.count == slots.count else {
            throw TrainingError(
                "the optimizer has \(slots.count) parameters, got \(parameters.count) parameters and \(gradients.count) gradients")
        }
        try checkHyperParameters()
        for i in slots.indices {
            try check(i, count: parameters[i].count, gradientCount: gradients[i]?.count)
        }
        for i in slots.indices {
            parameters[i].withUnsafeMutableBufferPointer { p in
                if let g = gradients[i] {
                    g.withUnsafeBufferPointer { g in update(i, p, g) }
                } else {
                    update(i, p, nil)
                }
            }
        }
    }

    /// Throws unless `lr`, `wd`, `mom` and `beta` have one value per layer group.
    public func checkHyperParameters() throws(TrainingError) {
        for (name, values) in [("lr", lr), ("wd", wd), ("mom", mom), ("beta", beta)] where values.count != layerGroups {
            throw TrainingError("\(name) has \(values.count) values for \(layerGroups) layer groups")
        }
    }

    /// Throws unless parameter `i`, of `count` values, fits its gradient and its Adam state.
    public func check(_ i: Int, count: Int, gradientCount: Int?) throws(TrainingError) {
        if let gradientCount, gradientCount != count {
            throw TrainingError("parameter \(i) has \(count) values but its gradient has \(gradientCount)")
        }
        if let s = states[i], s.expAvg.count != count {
            throw TrainingError("parameter \(i) changed size from \(s.expAvg.count) to \(count) values")
        }
    }

    /// Whether a step decays parameter `i` (true weight decay, its group, and 1.0.61's rule for
    /// parameters without a gradient). A parameter without a gradient that does not decay is left alone.
    public func decays(_ i: Int, hasGradient: Bool) -> Bool {
        trueWD && (slots[i].inDecayGroup || bnWD) && (hasGradient || decaysWithoutGradient)
    }

    /// Parameter `i`'s share of a step, in one pass over its values (after `check`): fastai's
    /// decoupled decay (`p · (1 − wd·lr)`, before Adam and at the weights the gradient was computed
    /// for), then torch's Adam if it has a gradient. Each parameter's update depends only on its own
    /// values, so doing decay and Adam per parameter gives fastai's two loops' result exactly.
    public mutating func update(_ i: Int, _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>?) {
        guard p.count > 0 else { return }
        let group = slots[i].layerGroup
        let factor: Float? = decays(i, hasGradient: g != nil) ? Float(1 - wd[group] * lr[group]) : nil
        guard let g else {
            if let factor { AdamKernel.scale(p.baseAddress!, count: p.count, by: factor) }
            return
        }
        let l2 = trueWD ? 0 : (slots[i].inDecayGroup || bnWD ? wd[group] : 0)
        var state =
            states[i] ?? State(expAvg: [Float](repeating: 0, count: g.count), expAvgSq: [Float](repeating: 0, count: g.count), step: 0)
        states[i] = nil  // (so the moments are uniquely referenced and updated in place)
        state.step += 1
        Self.adam(
            parameter: p, gradient: g, state: &state, lr: lr[group], beta1: mom[group], beta2: beta[group], eps: eps, l2: l2,
            decay: factor)
        states[i] = state
    }

    /// Forgets every parameter's moments and step count (what fastai's `freeze_to` does by making a new optimizer).
    public mutating func resetState() { states = [State?](repeating: nil, count: slots.count) }

    /// Puts back saved per-parameter states (`optimizer.load_state_dict`), one per slot, each sized like
    /// its parameter (`counts`).
    public mutating func restore(states saved: [State?], counts: [Int]) throws(TrainingError) {
        guard saved.count == slots.count, counts.count == slots.count else {
            throw TrainingError("the optimizer has \(slots.count) parameters, the saved state \(saved.count)")
        }
        for (i, s) in saved.enumerated() {
            guard let s else { continue }
            guard s.expAvg.count == counts[i], s.expAvgSq.count == counts[i], s.step >= 1 else {
                throw TrainingError(
                    "the saved state of parameter \(i) has \(s.expAvg.count)/\(s.expAvgSq.count) moments and step \(s.step) for \(counts[i]) values")
            }
        }
        states = saved
    }

    /// torch's float32 Adam update for one parameter, in torch's operation order (lerp and addcmul fused
    /// multiply-adds as torch's vectorised CPU kernels do them), after multiplying the parameter by `decay`
    /// when given (fastai's true weight decay). torch's float32 `sqrt` on an AVX-512 CPU is not
    /// always correctly rounded (1 ulp off for about a fifth of random inputs, measured against numpy), so the
    /// result can differ from torch by an ulp there.
    static func adam(
        parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>, state: inout State, lr: Double,
        beta1: Double, beta2: Double, eps: Double, l2: Double, decay: Float? = nil
    ) {
        let t = Double(state.step)
        let biasCorrection1 = 1 - pow(beta1, t)
        let biasCorrection2 = 1 - pow(beta2, t)
        let stepSize = Float(-(lr / biasCorrection1))
        let bc2Sqrt = Float(pow(biasCorrection2, 0.5))
        let constants = AdamKernel.Constants(
            decay: decay ?? 1, l2: Float(l2), w: Float(1 - beta1), b2: Float(beta2), oneMinusB2: Float(1 - beta2), stepSize: stepSize,
            bc2Sqrt: bc2Sqrt, eps: Float(eps))
        state.expAvg.withUnsafeMutableBufferPointer { m in
            state.expAvgSq.withUnsafeMutableBufferPointer { v in
                AdamKernel.step(p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, count: p.count, constants)
            }
        }
    }

    private static func listify(_ v: [Double], _ n: Int, _ name: String) throws(TrainingError) -> [Double] {
        if v.count == n { return v }
        if v.count == 1 { return [Double](repeating: v[0], count: n) }
        throw TrainingError("\(name) has \(v.count) values for \(n) layer groups; give one value or one per group")
    }
}
