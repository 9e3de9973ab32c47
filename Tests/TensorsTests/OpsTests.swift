import Tensors
import Testing

@Suite struct OpsTests {
    @Test func linearIsXWTransposePlusBias() throws {
        let x = Tensor(shape: [1, 2], storage: [1, 2])
        let w = Tensor(shape: [3, 2], storage: [1, 0, 0, 1, 1, 1])
        #expect(try Tensor.linear(x, weight: w, bias: Tensor([0, 0, 10])).storage == [1, 2, 13])
        #expect(throws: TensorError("mat1 and mat2 shapes cannot be multiplied (1x2 and 3x3)")) {
            try Tensor.linear(x, weight: .zeros([3, 3]), bias: nil)
        }
    }

    @Test func concatenateAlongChannels() throws {
        let a = Tensor(shape: [2, 1], storage: [1, 2]), b = Tensor(shape: [2, 2], storage: [3, 4, 5, 6])
        let c = try Tensor.concatenate([a, b], dim: 1)
        #expect(c.shape == [2, 3])
        #expect(c.storage == [1, 3, 4, 2, 5, 6])
    }

    @Test func softmaxRowsSumToOne() throws {
        let y = try Tensor(shape: [2, 3], storage: [1, 2, 3, 1000, 1000, 1000]).softmax(dim: 1)
        #expect(abs(y.storage[0..<3].reduce(0, +) - 1) < 1e-6)
        #expect(abs(y.storage[3] - 1.0 / 3) < 1e-6)
    }

    @Test func dropoutIsSeededScaledAndIdentityInEval() {
        var g = RandomGenerator(seed: 5)
        let x = Tensor.ones([10_000])
        let y = x.dropout(p: 0.25, training: true, generator: &g)
        let kept = y.storage.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 4.0 / 3) < 1e-6 })
        #expect(abs(Double(kept.count) / 10_000 - 0.75) < 0.02)
        var g2 = RandomGenerator(seed: 5)
        #expect(x.dropout(p: 0.25, training: true, generator: &g2) == y)
        #expect(x.dropout(p: 0.25, training: false, generator: &g) == x)
    }

    @Test func reshapeInfersOneDimension() throws {
        let t = Tensor.zeros([2, 3, 4])
        #expect(try t.reshaped([2, -1]).shape == [2, 12])
        #expect(try t.flattened().shape == [2, 12])
        #expect(throws: TensorError.self) { try t.reshaped([5, -1]) }
    }

    @Test func reluKeepsPositives() {
        #expect(Tensor([-1, 0, 2]).relu().storage == [0, 0, 2])
    }
}
