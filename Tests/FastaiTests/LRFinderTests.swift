import Foundation
import Testing

@testable import Fastai

/// lr_find's schedule, stopping rule and suggestion (TRAINING.md §6, §10.3).
@Suite struct LRFinderTests {
    /// Python: Scheduler((1e-7, 10), 100, annealing_exp), the start then 99 steps.
    static let pythonLRs: [Double] = [
        1e-07, 1.202264434617413e-07, 1.4454397707459274e-07, 1.7378008287493754e-07, 2.0892961308540395e-07, 2.51188643150958e-07,
        3.019951720402016e-07, 3.6307805477010137e-07, 4.36515832240166e-07, 5.248074602497725e-07, 6.309573444801933e-07, 7.585775750291837e-07,
        9.120108393559096e-07, 1.096478196143185e-06, 1.3182567385564074e-06, 1.5848931924611132e-06, 1.9054607179632473e-06, 2.2908676527677735e-06,
        2.754228703338166e-06, 3.311311214825911e-06, 3.981071705534973e-06, 4.7863009232263826e-06, 5.754399373371569e-06, 6.918309709189365e-06,
        8.317637711026708e-06, 9.999999999999999e-06, 1.202264434617413e-05, 1.4454397707459279e-05, 1.737800828749376e-05, 2.0892961308540385e-05,
        2.5118864315095795e-05, 3.019951720402016e-05, 3.630780547701014e-05, 4.365158322401661e-05, 5.248074602497728e-05, 6.309573444801929e-05,
        7.585775750291836e-05, 9.120108393559096e-05, 0.00010964781961431851, 0.00013182567385564074, 0.0001584893192461114, 0.00019054607179632462,
        0.00022908676527677726, 0.0002754228703338166, 0.0003311311214825911, 0.0003981071705534973, 0.0004786300923226385, 0.0005754399373371565,
        0.0006918309709189362, 0.0008317637711026709, 0.001, 0.001202264434617413, 0.001445439770745928, 0.001737800828749376, 0.0020892961308540407,
        0.002511886431509582, 0.0030199517204020187, 0.00363078054770101, 0.004365158322401656, 0.005248074602497722, 0.006309573444801929,
        0.007585775750291836, 0.009120108393559097, 0.01096478196143185, 0.013182567385564075, 0.01584893192461114, 0.019054607179632484,
        0.022908676527677745, 0.027542287033381692, 0.03311311214825908, 0.03981071705534969, 0.0478630092322638, 0.05754399373371566,
        0.06918309709189363, 0.08317637711026708, 0.09999999999999999, 0.12022644346174131, 0.1445439770745928, 0.17378008287493762,
        0.2089296130854041, 0.25118864315095824, 0.3019951720402019, 0.36307805477010097, 0.43651583224016566, 0.5248074602497723, 0.630957344480193,
        0.7585775750291835, 0.9120108393559095, 1.096478196143185, 1.3182567385564072, 1.584893192461114, 1.9054607179632481, 2.290867652767775,
        2.754228703338169, 3.3113112148259076, 3.981071705534969, 4.7863009232263805, 5.754399373371567, 6.918309709189362, 8.317637711026709,
    ]

    @Test func scheduleIsExponentialOverOneHundredBatches() throws {
        let finder = try LRFinder()
        let lrs = finder.plannedLRs
        #expect(lrs.count == 100)
        for (a, b) in zip(lrs, Self.pythonLRs) { #expect(abs(a - b) <= 1e-15 * b) }
        #expect(lrs[0] == 1e-7)
        #expect(abs(lrs[1] - 1.2022644e-7) <= 1e-14)
        #expect(lrs[50] == 0.001)
        #expect(abs(lrs[99] - 8.317637711026709) <= 1e-15 * 8.3)
        #expect(try LRFinder.epochs(batchesPerEpoch: 92) == 2)  // ceil(100/92)
        #expect(try LRFinder.epochs(batchesPerEpoch: 100) == 1)
        #expect(try LRFinder.epochs(batchesPerEpoch: 7) == 15)
    }

    /// Runs raw losses through SmoothenValue and the finder as fastai's callbacks do; returns the recorded
    /// smoothed losses and lrs up to and including the batch that stopped.
    func run(_ raw: [Float], finder: inout LRFinder) -> (lrs: [Double], losses: [Float]) {
        var smoother = SmoothenValue()
        var lrs: [Double] = [], losses: [Float] = []
        for (i, loss) in raw.enumerated() {
            lrs.append(finder.lr)  // on_batch_begin
            smoother.add(loss)  // on_backward_begin
            losses.append(smoother.smooth)
            if finder.batchEnded(iteration: i, smoothLoss: smoother.smooth) { break }
        }
        return (lrs, losses)
    }

    @Test func stopsAtTheFirstSmoothedLossAboveFourTimesTheBest() throws {
        let raw: [Float] = [2, 1, 0.9, 0.8, 0.7, 0.6] + [Float](repeating: 0.5, count: 9) + [Float](repeating: 20, count: 10)
        var finder = try LRFinder()
        let (lrs, losses) = run(raw, finder: &finder)
        // A float32 torch simulation stops at batch 16 (smooth 3.3095782 > 4 × 0.67716902); that batch is recorded.
        #expect(finder.stopIteration == 16)
        #expect(losses.count == 17 && lrs.count == 17)
        #expect(abs(losses[16] - 3.3095781803131104) <= 1e-6)
        #expect(abs(finder.bestLoss - 0.6771690249443054) <= 1e-7)
        #expect(losses[15] <= 4 * finder.bestLoss)
    }

    @Test func stopsOnNaNAndRunsTheWholeScheduleOtherwise() throws {
        var finder = try LRFinder()
        let (_, losses) = run([1, 0.9, .nan, 0.5], finder: &finder)
        #expect(finder.stopIteration == 2 && losses.count == 3)

        var calm = try LRFinder(numIt: 30)
        let (lrs, flat) = run([Float](repeating: 1, count: 50), finder: &calm)
        #expect(flat.count == 30 && calm.stopIteration == 29)  // done after num_it batches
        #expect(abs(calm.lr - 10) <= 1e-14)  // the end value is set after the last batch, never used
        #expect(lrs.last! < 10)

        var noStop = try LRFinder(numIt: 20, stopDiv: false)
        let (_, all) = run([1, 1, 50, 50] + [Float](repeating: 50, count: 30), finder: &noStop)
        #expect(all.count == 20)
    }

    @Test func suggestionIsTheSteepestPointOfTheTrimmedCurve() throws {
        // numpy: np.gradient(losses[10:-5]).argmin() = 5, argmin(losses[10:-5]) = 21 (float32 losses from a sine dip).
        let losses: [Float] = [
            2.340250253677368, 2.336522102355957, 2.3103067874908447, 2.279656171798706, 2.2414963245391846, 2.2242846488952637,
            2.185086727142334, 2.1201226711273193, 2.067625045776367, 2.0571506023406982, 1.977090835571289, 1.8894023895263672,
            1.8292429447174072, 1.783362865447998, 1.7047873735427856, 1.6262292861938477, 1.5274008512496948, 1.456630825996399,
            1.3912327289581299, 1.2878470420837402, 1.2427356243133545, 1.1621394157409668, 1.1303082704544067, 1.0320864915847778,
            1.0107696056365967, 0.9741724729537964, 0.9022910594940186, 0.9027647376060486, 0.8758198022842407, 0.814770519733429,
            0.8384606838226318, 0.8001049160957336, 0.8299214839935303, 0.8389955163002014, 0.8473061323165894, 0.8807377815246582,
            0.9392319321632385, 0.9559018611907959, 0.9949915409088135, 1.075737476348877, 1.1217727661132812, 1.2024827003479004,
            1.24150550365448, 1.316222071647644, 1.4133108854293823, 1.473580002784729, 1.5495071411132812, 1.6122256517410278,
            1.6768498420715332, 1.79718816280365, 1.8271501064300537, 1.934617519378662, 1.9767398834228516, 2.0676522254943848,
            2.0969700813293457, 2.1752734184265137, 2.2017343044281006, 2.224961280822754, 2.2822036743164062, 2.303847312927246,
        ]
        let s = try LRSuggestion(lrs: Array(Self.pythonLRs.prefix(60)), losses: losses)
        #expect(s.lrs.count == 45)
        #expect(s.minGradientIndex == 5)
        #expect(s.minGradientLR == 1.5848931924611132e-06)
        #expect(abs(s.minLossLR - 3.0199517204020163e-06) <= 1e-20)
        #expect(s.lines == ["Min numerical gradient: 1.58E-06", "Min loss divided by 10: 3.02E-06"])
    }

    @Test func perGroupRatesFollowTheirOwnSchedules() throws {
        // lr_find(start_lr=slice(1e-7), end_lr=slice(10)) over 3 groups: lr_range gives [1e-8, 1e-8, 1e-7] → [1, 1, 10].
        var finder = try LRFinder(
            startLRs: LearningRate.slice(start: nil, stop: 1e-7).perGroup(layerGroups: 3),
            endLRs: LearningRate.slice(start: nil, stop: 10).perGroup(layerGroups: 3))
        #expect(finder.lr == 1e-7 && finder.lrs == [1e-8, 1e-8, 1e-7])
        for (a, b) in zip(finder.plannedLRs, Self.pythonLRs) { #expect(abs(a - b) <= 1e-15 * b) }
        _ = finder.batchEnded(iteration: 0, smoothLoss: 1)
        #expect(abs(finder.lrs[0] * 10 - finder.lrs[2]) <= 1e-15 * finder.lrs[2])
    }

    @Test func numpyGradientEdgeRules() {
        // np.gradient([1, 4, 9, 16, 20]) = [3, 4, 6, 5.5, 4]; np.gradient([3, 1]) = [-2, -2].
        #expect(LRSuggestion.numpyGradient([1, 4, 9, 16, 20]) == [3, 4, 6, 5.5, 4])
        #expect(LRSuggestion.numpyGradient([3, 1]) == [-2, -2])
        #expect(LRSuggestion.argmin([3, 1, 1, 2]) == 1)
        #expect(LRSuggestion.argmin([3, .nan, 0, .nan]) == 1)  // numpy: the first NaN
    }

    @Test func suggestionNeedsTwoPoints() {
        // 16 losses leave 1 after [10:-5]: np.gradient raises and fastai prints its message.
        #expect(throws: TrainingError.self) {
            try LRSuggestion(lrs: [Double](repeating: 1, count: 16), losses: [Float](repeating: 1, count: 16))
        }
        #expect(throws: Never.self) {
            try LRSuggestion(lrs: [Double](repeating: 1, count: 17), losses: [Float](repeating: 1, count: 17))
        }
        #expect(throws: TrainingError.self) { try LRFinder(startLR: 0) }
        #expect(throws: TrainingError.self) { try LRFinder(startLRs: [1e-7, 1e-6], endLRs: [1, 2, 3]) }
        #expect(throws: TrainingError.self) { try LRFinder(startLR: 1, endLR: 0.1) }
    }
}
