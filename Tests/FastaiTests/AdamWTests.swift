import Foundation
import Testing

@testable import Fastai

/// fastai v1's OptimWrapper + AdamW step against torch.optim.AdamW(foreach=False) (TRAINING.md §1, §10.1).
@Suite struct AdamWTests {
    static func run(_ c: TrainingFixture.AdamWCase) throws -> [[[Float]]] {
        let names = c.slots.map(\.name)
        var opt = try AdamW(
            slots: c.slots.map { AdamW.Slot(layerGroup: $0.layer_group, inDecayGroup: $0.decay_group) },
            layerGroups: c.lrs.count, lr: c.lrs, wd: [c.wd], bnWD: c.bn_wd)
        var params = names.map { c.initial[$0] ?? [] }
        var after: [[[Float]]] = []
        for (step, beta1) in zip(c.steps, c.betas1) {
            opt.mom = [Double](repeating: beta1, count: c.lrs.count)  // the one-cycle writes betas[0] every batch
            try opt.step(parameters: &params, gradients: names.map { step.grads[$0] })
            after.append(params)
        }
        return after
    }

    @Test(arguments: ["default", "bn_wd_false", "two_groups", "frozen"])
    func threeStepsWithChangingMomentumMatchTorch(variant: String) throws {
        let c = try #require(try TrainingFixture.load().adamw[variant])
        let got = try Self.run(c)
        var worst: Float = 0
        for (s, step) in c.steps.enumerated() {
            for (i, name) in c.slots.map(\.name).enumerated() {
                let want = try #require(step.params[name])
                for (a, b) in zip(got[s][i], want) { worst = max(worst, abs(a - b)) }
            }
        }
        // Measured: bit-identical for bn_wd_false, two_groups and frozen; 3.7e-9 (one float32 ulp) for default,
        // from torch's float32 sqrt, which is not correctly rounded on this CPU (a numpy re-run with torch's sqrt
        // reproduces all four variants bit for bit).
        #expect(worst <= 1e-6, "max abs difference \(worst)")
        // A frozen parameter is not in the optimizer: nothing here can change it, and torch left it bit-identical.
        if variant == "frozen" {
            #expect(c.frozen.keys.sorted() == ["0.weight"])
            #expect(!c.slots.contains { $0.name == "0.weight" })
        }
    }

    @Test func bnWDFalseLeavesNoDecayGroupsUndecayed() throws {
        // With zero gradient Adam's update is 0, so only the decay factor shows.
        let slots = [AdamW.Slot(layerGroup: 0, inDecayGroup: true), AdamW.Slot(layerGroup: 0, inDecayGroup: false)]
        for bnWD in [true, false] {
            var opt = try AdamW(slots: slots, layerGroups: 1, lr: [0.1], wd: [0.5], bnWD: bnWD)
            var p: [[Float]] = [[1, 2], [1, 2]]
            try opt.step(parameters: &p, gradients: [[0, 0], [0, 0]])
            #expect(p[0] == [Float(1 - 0.05), 2 * Float(1 - 0.05)])
            #expect(p[1] == (bnWD ? p[0] : [1, 2]))
        }
    }

    @Test func parametersWithoutGradientFollowVersion1061() throws {
        // G12: 1.0.61 decays a parameter without a gradient (a frozen bias in the nowd group); 1.0.62+ skips it.
        let slots = [AdamW.Slot(layerGroup: 0, inDecayGroup: false)]
        var old = try AdamW(slots: slots, layerGroups: 1, lr: [0.1], wd: [0.5])
        var p: [[Float]] = [[4]]
        try old.step(parameters: &p, gradients: [nil])
        #expect(p == [[4 * Float(1 - 0.05)]])
        #expect(old.states == [nil])  // Adam skipped it: no state, no step count
        var new = try AdamW(slots: slots, layerGroups: 1, lr: [0.1], wd: [0.5])
        new.decaysWithoutGradient = false
        var q: [[Float]] = [[4]]
        try new.step(parameters: &q, gradients: [nil])
        #expect(q == [[4]])
    }

    @Test func firstStepMovesByTheLearningRate() throws {
        // Adam's first step is lr·g/(|g| + eps·…) ≈ lr·sign(g), whatever β1 is, because of the bias correction.
        var opt = try AdamW(slots: [AdamW.Slot(layerGroup: 0, inDecayGroup: true)], layerGroups: 1, lr: [1e-2], wd: [0], mom: [0.95])
        var p: [[Float]] = [[0, 0]]
        try opt.step(parameters: &p, gradients: [[3, -0.5]])
        #expect(abs(p[0][0] + 1e-2) <= 1e-7 && abs(p[0][1] - 1e-2) <= 1e-7)
        #expect(opt.states[0]?.step == 1)
        opt.resetState()
        #expect(opt.states == [nil])
    }

    @Test func refusesMismatchedInput() throws {
        let slots = [AdamW.Slot(layerGroup: 0, inDecayGroup: true)]
        #expect(throws: TrainingError.self) { try AdamW(slots: slots, layerGroups: 2, lr: [1, 2, 3]) }
        #expect(throws: TrainingError.self) { try AdamW(slots: [AdamW.Slot(layerGroup: 3, inDecayGroup: true)], layerGroups: 2, lr: [1]) }
        var opt = try AdamW(slots: slots, layerGroups: 1, lr: [1e-3])
        var p: [[Float]] = [[1, 2]]
        #expect(throws: TrainingError.self) { try opt.step(parameters: &p, gradients: [[1]]) }
        #expect(throws: TrainingError.self) { try opt.step(parameters: &p, gradients: []) }
    }
}
