import Foundation
import Testing

@testable import Fastai

/// SmoothenValue, validation averaging, metrics, the Recorder's record and the printed table (TRAINING.md §4, §10.4).
@Suite struct RecorderTests {
    @Test func smoothingMatchesTheSpecAndTorch() throws {
        var s = SmoothenValue()
        var out: [Float] = []
        for v: Float in [1, 2, 3] {
            s.add(v)
            out.append(s.smooth)
        }
        // torch float32: 1.0, 1.505050539970398, 2.01346755027771 (§4: 1.0, 1.5050505, 2.0134676).
        #expect(out == [1.0, 1.505050539970398, 2.01346755027771])
        let fixture = try TrainingFixture.load().smoothing
        var t = SmoothenValue()
        var got: [Float] = []
        for v in fixture.inputs {
            t.add(v)
            got.append(t.smooth)
        }
        #expect(got == fixture.smoothed)  // bit for bit, 40 values
    }

    @Test func validationAveragesAreWeightedFloat32Means() throws {
        let v = try TrainingFixture.load().validation
        var losses: [Float] = []
        var accuracy = AverageMetric(name: "accuracy"), error = AverageMetric(name: "error_rate")
        var start = 0
        for bs in v.sizes {
            let logits = Array(v.logits[(start * v.classes)..<((start + bs) * v.classes)])
            let targets = Array(v.targets[start..<(start + bs)])
            let interp = try ClassificationInterpretation(logits: logits, classes: v.classes, targets: targets)
            losses.append(interp.losses.reduce(0, +) / Float(bs))
            accuracy.add(try Metrics.accuracy(logits: logits, classes: v.classes, targets: targets), batchSize: bs)
            error.add(try Metrics.errorRate(logits: logits, classes: v.classes, targets: targets), batchSize: bs)
            start += bs
        }
        for (a, b) in zip(losses, v.batch_losses) { #expect(abs(a - b) <= 1e-6) }
        // With torch's own batch losses, fastai's float32 numpy average is reproduced exactly.
        let valid = try BatchAverage.validationLoss(batchLosses: v.batch_losses, batchSizes: v.sizes)
        #expect(valid == v.valid_loss)
        #expect(abs(valid - v.full_mean_loss) <= 1e-6)  // the per-item mean of all 134 items, up to float32 rounding
        #expect(accuracy.value == v.accuracy)
        #expect(error.value == v.error_rate)
        #expect(AverageMetric(name: "x").value == nil)
    }

    @Test func numpyPairwiseSumOrder() {
        // Above 8 values numpy sums in 8 lanes: 1e8 + 1 ... lands differently from a left-to-right sum.
        let a: [Float] = [1e8] + [Float](repeating: 1, count: 15)
        #expect(BatchAverage.numpyPairwiseSum(a) == 100_000_008)  // (1e8 + 1) rounds to 1e8 once, seven 2s survive
        var sequential: Float = 0
        for x in a { sequential += x }
        #expect(sequential == 100_000_000)
        #expect(BatchAverage.numpyPairwiseSum([1, 2, 3]) == 6)
        // Past 128 values numpy splits in halves; numpy's sums of these values are 670.0626831054688 (300 values;
        // a left-to-right float32 sum gives 670.062744140625) and 351.9566650390625 (the first 157).
        let b = (0..<300).map { Float($0 % 13) * Float(0.37) + 1 / Float($0 + 1) }
        #expect(BatchAverage.numpyPairwiseSum(b) == 670.0626831054688)
        #expect(BatchAverage.numpyPairwiseSum(Array(b.prefix(157))) == 351.9566650390625)
        #expect(throws: TrainingError.self) { try BatchAverage.validationLoss(batchLosses: [1], batchSizes: [1, 2]) }
    }

    @Test func metricsFromLogits() throws {
        let logits: [Float] = [0.1, 0.9, 0.0, 2, 1, 0, 0.5, 0.5, 0.1, 0, 0, 3]
        #expect(try Metrics.argmax(logits, classes: 3, rows: 4) == [1, 0, 0, 2])  // a tie takes the first
        #expect(try Metrics.accuracy(logits: logits, classes: 3, targets: [1, 0, 1, 1]) == 0.5)
        #expect(try Metrics.errorRate(logits: logits, classes: 3, targets: [1, 1, 1, 1]) == 0.75)
        #expect(throws: TrainingError.self) { try Metrics.accuracy(logits: logits, classes: 5, targets: [0, 1]) }
    }

    @Test func recorderKeepsEveryGroupAndFastaisLastGroup() {
        var r = RecorderData()
        r.recordBatch(lrs: [1e-4, 1e-3], mom: 0.95, smoothLoss: 2)
        r.recordBatch(lrs: [2e-4, 2e-3], mom: 0.9, smoothLoss: 1.5)
        r.recordEpoch(batches: 2, validLoss: 1.2, metrics: [0.3])
        r.recordEpoch(batches: 2, validLoss: nil, metrics: [])
        #expect(r.lastGroupLRs == [1e-3, 2e-3])
        #expect(r.moms == [0.95, 0.9] && r.losses == [2, 1.5])
        #expect(r.valLosses == [1.2] && r.metrics == [[0.3]] && r.nbBatches == [2, 2])
    }

    @Test func tableRowsAsFastaiPrintsThem() {
        let t = StatsTable(metricNames: ["error_rate"])
        #expect(t.header == "epoch     train_loss  valid_loss  error_rate  time    ")
        let row = t.row(epoch: 0, trainLoss: 1.0505, validLoss: 0.3125, metrics: [0.0865], seconds: 83.9)
        #expect(row == "0         1.050500    0.312500    0.086500    01:23     ")
        #expect(t.row(epoch: 3, trainLoss: 0.5, validLoss: 0.25, metrics: [nil], seconds: 5).contains("#na#"))
        // G11: lr_find skips validation: epoch, train_loss, #na#, then the time under error_rate.
        let lrFind = t.row(epoch: 0, trainLoss: 4.25, validLoss: nil, metrics: [], seconds: 59.99)
        #expect(lrFind == "0         4.250000    #na#        00:59       ")
        #expect(t.row(epoch: 1, trainLoss: .nan, validLoss: 1, metrics: [0], seconds: nil).hasPrefix("1         nan "))
    }

    @Test func formatTimeTruncatesLikeFastprogress() {
        #expect(StatsTable.formatTime(0) == "00:00")
        #expect(StatsTable.formatTime(59.999) == "00:59")
        #expect(StatsTable.formatTime(61) == "01:01")
        #expect(StatsTable.formatTime(3599.9) == "59:59")
        #expect(StatsTable.formatTime(3600) == "1:00:00")
        #expect(StatsTable.formatTime(36_725) == "10:12:05")
        #expect(StatsTable.decimal(0.1234567) == "0.123457")
    }
}
