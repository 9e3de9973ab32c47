import Foundation
import Testing

@testable import Fastai

/// fastai v1's annealing, `Scheduler`, `lr_range` and `fit_one_cycle`'s per-batch arrays (TRAINING.md §2, §3).
@Suite struct ScheduleTests {
    func close(_ a: Double, _ b: Double, rel: Double) -> Bool { abs(a - b) <= rel * max(abs(a), abs(b)) }

    @Test func annealingFunctionsHitTheirEnds() {
        #expect(Annealing.cosine(1, 0, 0) == 1)
        #expect(Annealing.cosine(1, 0, 1) == 0)
        #expect(Annealing.cosine(1, 0, 0.5) == 0.5)
        #expect(Annealing.linear(2, 4, 0.25) == 2.5)
        #expect(close(Annealing.exponential(1e-7, 10, 0.5), 1e-7 * pow(1e8, 0.5), rel: 1e-15))
        #expect(Annealing.none(3, 7, 0.9) == 3)
    }

    @Test func schedulerCountsBeforeReturning() {
        var s = Scheduler(start: 0, end: 10, iterations: 4, function: .linear)
        #expect(s.step() == 2.5)  // n is incremented first: the first step is already 1/4 of the way
        #expect(!s.isDone)
        _ = s.step()
        _ = s.step()
        #expect(s.step() == 10)
        #expect(s.isDone)
        var zero = Scheduler(start: 1, end: 0, iterations: 0, function: .cosine)
        #expect(zero.iterations == 1)  // max(1, n_iter)
        #expect(zero.step() == 0)
        #expect(zero.isDone)
    }

    @Test func lrRangeMatchesFastai() throws {
        // §2's exact doubles for slice(1e-6, 1e-4) over three groups (even_mults is not exact).
        #expect(try LearningRate.slice(start: 1e-6, stop: 1e-4).perGroup(layerGroups: 3) == [1e-06, 9.999999999999999e-06, 9.999999999999999e-05])
        #expect(
            try LearningRate.slice(start: 1e-5, stop: 1e-2).perGroup(layerGroups: 4)
                == [1e-05, 9.999999999999999e-05, 0.0009999999999999998, 0.009999999999999995])
        // slice(3e-3) → [b/10, b/10, b]: "3e-4" in the spec, but 3e-3/10 is the double just above 3e-4 (Python agrees).
        #expect(try LearningRate.fastaiDefault.perGroup(layerGroups: 3) == [3e-3 / 10, 3e-3 / 10, 3e-3])
        #expect(try LearningRate.fastaiDefault.perGroup(layerGroups: 3) == [0.00030000000000000003, 0.00030000000000000003, 0.003])
        #expect(try abs(LearningRate.fastaiDefault.perGroup(layerGroups: 3)[0] - 3e-4) <= 1e-19)
        #expect(try LearningRate.slice(start: 0, stop: 1e-2).perGroup(layerGroups: 2) == [1e-3, 1e-2])  // start 0 is falsy
        #expect(try LearningRate.value(1e-3).perGroup(layerGroups: 3) == [1e-3, 1e-3, 1e-3])
        #expect(try LearningRate.slice(start: nil, stop: 1e-3).perGroup(layerGroups: 1) == [1e-3])
    }

    @Test func lrRangeRefusesBadInput() {
        // fastai raises ZeroDivisionError here (G15); this says why.
        #expect(throws: TrainingError.self) { try LearningRate.slice(start: 1e-6, stop: 1e-4).perGroup(layerGroups: 1) }
        do {
            _ = try LearningRate.slice(start: 1e-6, stop: 1e-4).perGroup(layerGroups: 1)
        } catch {
            #expect(error.message.contains("only one"))
            #expect(error.message.contains("ZeroDivisionError"))
        }
        for bad: LearningRate in [.value(0), .value(-1), .value(.nan), .slice(start: 1e-3, stop: 1e-4), .slice(start: -1, stop: 1e-3)] {
            #expect(throws: TrainingError.self) { try bad.perGroup(layerGroups: 3) }
        }
    }

    /// §3's table: fit_one_cycle(4, 1e-3) with 5 batches per epoch, full doubles from a literal Python simulation
    /// of OneCycleScheduler (numpy's cos), and the printed 7 digits.
    static let tableLRs: [Double] = [
        4e-05, 0.00010430780618346936, 0.00028, 0.0005200000000000001, 0.0007599999999999999, 0.0009356921938165307, 0.001,
        0.0009874640062350875, 0.0009504846320134736, 0.0008909161775710499, 0.000811745653949763, 0.0007169430017913008,
        0.0006112620219362892, 0.0005000019999999999, 0.00038874197806371076, 0.0002830609982086992, 0.00018825834605023698,
        0.00010908782242895002, 4.9519367986526286e-05, 1.2539993764912554e-05,
    ]
    static let tableMoms: [Double] = [
        0.95, 0.9433012701892219, 0.9249999999999999, 0.8999999999999999, 0.875, 0.856698729810778, 0.85, 0.8512536043909088,
        0.854951556604879, 0.8609084258765984, 0.8688255099070633, 0.878305813044122, 0.8888739533021842, 0.8999999999999999,
        0.9111260466978157, 0.9216941869558779, 0.9311744900929366, 0.9390915741234015, 0.945048443395121, 0.9487463956090911,
    ]
    static let printedLRs: [Double] = [
        4.000000e-05, 1.043078e-04, 2.800000e-04, 5.200000e-04, 7.600000e-04, 9.356922e-04, 1.000000e-03, 9.874640e-04,
        9.504846e-04, 8.909162e-04, 8.117457e-04, 7.169430e-04, 6.112620e-04, 5.000020e-04, 3.887420e-04, 2.830610e-04,
        1.882583e-04, 1.090878e-04, 4.951937e-05, 1.253999e-05,
    ]

    @Test func oneCycleMatchesTheReferenceTable() throws {
        let s = try OneCycleSchedule(batchesPerEpoch: 5, epochs: 4, lrMax: [1e-3])
        #expect(s.batches == 20 && s.phase1 == 6 && s.phase2 == 14)
        #expect(s.lrs.count == 20 && s.moms.count == 20)
        for i in 0..<20 {
            #expect(abs(s.lrs[i][0] - Self.tableLRs[i]) <= 1e-12 * Self.tableLRs[i], "lr \(i)")
            #expect(abs(s.moms[i] - Self.tableMoms[i]) <= 1e-12, "mom \(i)")
            #expect(close(s.lrs[i][0], Self.printedLRs[i], rel: 1e-6), "printed lr \(i)")
        }
        #expect(s.lrs[0][0] == 1e-3 / 25)
        #expect(s.lrs[6][0] == 1e-3 && s.moms[6] == 0.85)
        #expect(s.finalLRs == [1e-3 / 250_000] && s.finalMom == 0.95)  // set after the last batch, never used
    }

    @Test func oneCycleClosedFormAgrees() throws {
        let s = try OneCycleSchedule(batchesPerEpoch: 7, epochs: 3, lrMax: [2e-3])
        let (a1, a2, lr) = (s.phase1, s.phase2, 2e-3)
        for i in 0..<s.batches {
            let expected =
                i <= a1
                ? Annealing.cosine(lr / 25, lr, Double(i) / Double(a1)) : Annealing.cosine(lr, lr / 2.5e5, Double(i - a1) / Double(a2))
            #expect(abs(s.lrs[i][0] - expected) <= 1e-15 * expected, "batch \(i)")
        }
    }

    @Test func petsShapeWithTheDefaultSlice() throws {
        // Lesson 1: 5912 images at bs 64 → 92 batches; fit_one_cycle(4) with defaults.lr = slice(3e-3) over 3 groups.
        let lrMax = try LearningRate.fastaiDefault.perGroup(layerGroups: 3)
        let s = try OneCycleSchedule(batchesPerEpoch: 92, epochs: 4, lrMax: lrMax)
        #expect(s.batches == 368 && s.phase1 == 110 && s.phase2 == 258)
        // Full doubles from a literal Python simulation of OneCycleScheduler with lr_max = lr_range(slice(3e-3)).
        #expect(s.lrs[0] == [1.2e-05, 1.2e-05, 0.00012])
        #expect(s.lrs[110] == [0.00030000000000000003, 0.00030000000000000003, 0.003])
        #expect(s.moms[110] == 0.85)
        let last = s.lrs[367]
        #expect(abs(last[2] - 1.2320248529152868e-07) <= 1e-12 * last[2])
        #expect(abs(last[0] - 1.2320248529152873e-08) <= 1e-12 * last[0])
        #expect(abs(s.moms[367] - 0.9499962932356631) <= 1e-12)
        // Every batch: the body groups run at a tenth of the head (G1).
        for i in [0, 50, 110, 200, 367] { #expect(abs(s.lrs[i][0] * 10 - s.lrs[i][2]) <= 1e-15 * s.lrs[i][2]) }
        #expect(try OneCycleSchedule(batchesPerEpoch: 92, epochs: 4, layerGroups: 3) == s)
        let unfrozen = try OneCycleSchedule(
            batchesPerEpoch: 92, epochs: 2, lrMax: LearningRate.slice(start: 1e-6, stop: 1e-4).perGroup(layerGroups: 3))
        #expect(unfrozen.phase1 == 55 && unfrozen.phase2 == 129)
        #expect(unfrozen.lrs[55] == [1e-06, 9.999999999999999e-06, 9.999999999999999e-05])
    }

    @Test(arguments: [
        (1, [0.0004], [0.95]), (2, [0.0004, 0.01], [0.95, 0.85]), (3, [0.0004, 0.01, 0.00750001], [0.95, 0.85, 0.875]),
    ])
    func degenerateCyclesRunPhaseOneForOneStep(n: Int, lrs: [Double], moms: [Double]) throws {
        let s = try OneCycleSchedule(batchesPerEpoch: n, epochs: 1, lrMax: [1e-2])
        #expect(s.phase1 == 0 && s.phase2 == n)
        #expect(zip(s.lrs.map { $0[0] }, lrs).allSatisfy { abs($0 - $1) <= 1e-12 * $1 })
        #expect(zip(s.moms, moms).allSatisfy { abs($0 - $1) <= 1e-12 })
    }

    @Test func oneCycleRefusesBadInput() {
        #expect(throws: TrainingError.self) { try OneCycleSchedule(batchesPerEpoch: 5, epochs: 0, lrMax: [1e-3]) }
        #expect(throws: TrainingError.self) { try OneCycleSchedule(batchesPerEpoch: 0, epochs: 1, lrMax: [1e-3]) }
        #expect(throws: TrainingError.self) { try OneCycleSchedule(batchesPerEpoch: 5, epochs: 1, lrMax: [.nan]) }
        #expect(throws: TrainingError.self) { try OneCycleSchedule(batchesPerEpoch: 5, epochs: 1, lrMax: []) }
        #expect(throws: TrainingError.self) {
            try OneCycleSchedule(batchesPerEpoch: 5, epochs: 1, maxLR: .slice(start: 1e-5, stop: 1e-3), layerGroups: 1)
        }
    }
}
