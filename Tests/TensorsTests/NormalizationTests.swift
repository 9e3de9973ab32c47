import Tensors
import Testing

@Suite struct NormalizationTests {
    @Test func evalUsesRunningStatistics() throws {
        let x = Tensor(shape: [2, 2], storage: [1, 2, 3, 4])
        var running = RunningStatistics(mean: Tensor([1, 2]), variance: Tensor([4, 1]))
        let y = try Tensor.batchNorm(x, weight: Tensor([2, 1]), bias: Tensor([0, 1]), running: &running, training: false, eps: 0)
        #expect(y.storage == [0, 1, 2, 3])
        #expect(running.mean.storage == [1, 2])
    }

    @Test func trainUsesBatchStatisticsAndUpdatesRunningOnesWithUnbiasedVariance() throws {
        // Channel 0 sees 1 and 3: mean 2, biased var 1, unbiased var 2.
        let x = Tensor(shape: [2, 1], storage: [1, 3])
        var running = RunningStatistics(mean: Tensor([0]), variance: Tensor([1]))
        let y = try Tensor.batchNorm(x, weight: nil, bias: nil, running: &running, training: true, momentum: 0.1, eps: 0)
        #expect(y.storage == [-1, 1])
        #expect(abs(running.mean.storage[0] - 0.2) < 1e-6)
        #expect(abs(running.variance.storage[0] - 1.1) < 1e-6)
    }

    @Test func trainingNeedsMoreThanOneValuePerChannel() {
        var running = RunningStatistics(mean: Tensor([0]), variance: Tensor([1]))
        #expect(throws: TensorError.self) {
            try Tensor.batchNorm(.zeros([1, 1]), weight: nil, bias: nil, running: &running, training: true)
        }
    }
}
