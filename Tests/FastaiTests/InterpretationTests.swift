import Foundation
import Testing

@testable import Fastai

/// ClassificationInterpretation's numbers (TRAINING.md §8, §10.8) against PyTorch and fastai's numpy code.
@Suite struct InterpretationTests {
    @Test func matchesTorchOnASyntheticThreeClassSet() throws {
        let f = try TrainingFixture.load().interpretation
        let interp = try ClassificationInterpretation(logits: f.logits, classes: 3, targets: f.targets)
        for (a, b) in zip(interp.probabilities, f.probs) { #expect(abs(a - b) <= 1e-6) }
        for (a, b) in zip(interp.losses, f.losses) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        // torch.topk on distinct losses: same indices, same order.
        let top = try interp.topLosses(k: f.topk.k)
        #expect(top.map(\.index) == f.topk.indices)
        for (a, b) in zip(top.map(\.loss), f.topk.values ?? []) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        #expect(try interp.topLosses(k: f.smallest.k, largest: false).map(\.index) == f.smallest.indices)
        #expect(try interp.topLosses().count == f.targets.count)
        #expect(interp.confusionMatrix() == f.confusion)
        let mc = try interp.mostConfused(classNames: f.classes)
        let expected = f.most_confused.map { row -> (String, String, Int) in
            guard case .string(let a) = row[0], case .string(let p) = row[1], case .int(let n) = row[2] else { return ("", "", -1) }
            return (a, p, n)
        }
        #expect(mc.count == expected.count)
        for (got, want) in zip(mc, expected) {
            #expect(got.actual == want.0 && got.predicted == want.1 && got.count == want.2)
        }
    }

    @Test func handComputedCaseWithTies() throws {
        // Rows are the actual classes. Items: (actual, predicted) = (0,1) ×2, (2,1) ×2, (1,0), (0,0), (2,0).
        let one: [Float] = [0, 5, 0], zero: [Float] = [5, 0, 0]
        let logits = one + one + one + one + zero + zero + zero
        let targets = [0, 0, 2, 2, 1, 0, 2]
        let interp = try ClassificationInterpretation(logits: logits, classes: 3, targets: targets)
        #expect(interp.predicted == [1, 1, 1, 1, 0, 0, 0])
        #expect(interp.confusionMatrix() == [[1, 2, 0], [1, 0, 0], [1, 2, 0]])
        let mc = try interp.mostConfused(classNames: ["a", "b", "c"])
        // np.where order (0,1) (1,0) (2,0) (2,1), then a stable sort by count: the 2s keep row-major order.
        #expect(mc.map { "\($0.actual)\($0.predicted)\($0.count)" } == ["ab2", "cb2", "ba1", "ca1"])
        #expect(try interp.mostConfused(classNames: ["a", "b", "c"], minVal: 2).count == 2)
        // min_val 0 lists all nine cells, the diagonal as 0 (np.fill_diagonal).
        #expect(try interp.mostConfused(classNames: ["a", "b", "c"], minVal: 0).count == 9)
        // Equal losses: lower index first (our rule; torch's topk leaves tie order unspecified).
        let tied = try interp.topLosses(k: 4)
        #expect(tied.map(\.index) == [0, 1, 2, 3])
        let ce = -log(Double(expf(0) / (expf(0) + expf(5) + expf(0))))
        #expect(abs(Double(interp.losses[0]) - ce) <= 1e-5)
    }

    @Test func refusesBadInput() {
        #expect(throws: TrainingError.self) { try ClassificationInterpretation(logits: [1, 2, 3], classes: 2, targets: [0]) }
        #expect(throws: TrainingError.self) { try ClassificationInterpretation(logits: [1, 2], classes: 2, targets: [2]) }
        #expect(throws: TrainingError.self) {
            try ClassificationInterpretation(logits: [1, 2], classes: 2, targets: [0]).topLosses(k: 3)
        }
    }
}
