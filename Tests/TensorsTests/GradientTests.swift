import Foundation
import Tensors
import Testing

/// Every differentiable operation against central finite differences (small shapes).
@Suite struct GradientTests {
    static let convCases: [(String, ConvGeometry, Int, Int)] = [
        ("3x3 s1 p1", ConvGeometry(kernel: (3, 3), stride: (1, 1), padding: (1, 1)), 3, 4),
        ("3x3 s2 p1", ConvGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), 3, 4),
        ("1x1 s2", ConvGeometry(kernel: (1, 1), stride: (2, 2)), 4, 3),
        ("1x1 s1", ConvGeometry(kernel: (1, 1)), 4, 3),
        ("7x7 s2 p3", ConvGeometry(kernel: (7, 7), stride: (2, 2), padding: (3, 3)), 2, 3),
        ("11x11 s4 p2", ConvGeometry(kernel: (11, 11), stride: (4, 4), padding: (2, 2)), 2, 2),
        ("3x3 groups 2", ConvGeometry(kernel: (3, 3), padding: (1, 1), groups: 2), 4, 4),
    ]

    @Test(arguments: convCases.indices)
    func conv2d(_ i: Int) throws {
        let (_, g, c, oc) = Self.convCases[i]
        let size = g.kernel.0 > 7 ? 13 : 6
        let x = randomTensor([2, c, size, size], seed: 1)
        let w = randomTensor([oc, c / g.groups, g.kernel.0, g.kernel.1], seed: 2)
        let b = randomTensor([oc], seed: 3)
        try checkGradients([x, w, b]) { t in try Tensor.conv2d(t[0], weight: t[1], bias: t[2], g) }
    }

    @Test func frozenWeightGetsNoGradientAndUntrackedInputNone() throws {
        let x = randomTensor([1, 2, 5, 5], seed: 1), w = randomTensor([3, 2, 3, 3], seed: 2)
        let tape = Tape()
        var weightGrad: Tensor?
        let y = try tape.run { () throws -> Tensor in
            // The image is a constant; the weight is tracked.
            try Tensor.conv2d(x, weight: tape.leaf(w) { weightGrad = $0 }, bias: nil, ConvGeometry(kernel: (3, 3)))
        }
        #expect(y.isTracked)
        try tape.backward(from: y)
        #expect(weightGrad?.shape == [3, 2, 3, 3])
        // Nothing tracked: nothing recorded, and backward says so.
        let z = try Tape().run { try Tensor.conv2d(x, weight: w, bias: nil, ConvGeometry(kernel: (3, 3))) }
        #expect(!z.isTracked)
        #expect(throws: TensorError("element 0 of tensors does not require grad and does not have a grad_fn")) {
            try Tape().backward(from: z)
        }
    }

    @Test func linear() throws {
        try checkGradients([randomTensor([3, 5], seed: 1), randomTensor([4, 5], seed: 2), randomTensor([4], seed: 3)]) { t in
            try Tensor.linear(t[0], weight: t[1], bias: t[2])
        }
    }

    @Test func reluAddConcatReshape() throws {
        let a = randomTensor([2, 3, 2, 2], seed: 1), b = randomTensor([2, 2, 2, 2], seed: 2)
        try checkGradients([a, b], h: 1e-3) { t in
            let c = try Tensor.concatenate([t[0], t[1]], dim: 1)
            let d = try Tensor.add(c, c.relu())
            return try d.flattened()
        }
    }

    @Test(arguments: [
        PoolGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        PoolGeometry(kernel: (2, 2)),
        PoolGeometry(kernel: (3, 3), stride: (2, 2), ceilMode: true),
        PoolGeometry(kernel: (2, 2), stride: (1, 1), dilation: (2, 2)),
    ])
    func maxPool(_ g: PoolGeometry) throws {
        try checkGradients([distinctTensor([2, 2, 7, 7], seed: 4)], h: 1e-3) { t in try Tensor.maxPool2d(t[0], g) }
    }

    @Test func maxPoolTiesGoToTheFirstElement() throws {
        let x = Tensor(shape: [1, 1, 2, 2], storage: [1, 1, 1, 1])
        let (_, grads) = try tapeGradients([x], seed: Tensor(shape: [1, 1, 1, 1], storage: [1])) { t in
            try Tensor.maxPool2d(t[0], PoolGeometry(kernel: (2, 2)))
        }
        #expect(grads[0]?.storage == [1, 0, 0, 0])
    }

    @Test(arguments: [true, false])
    func avgPool(_ countIncludePad: Bool) throws {
        let g = PoolGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true)
        try checkGradients([randomTensor([2, 2, 6, 6], seed: 4)], h: 1e-3) { t in
            try Tensor.avgPool2d(t[0], g, countIncludePad: countIncludePad)
        }
    }

    @Test(arguments: [(1, 1), (3, 2)])
    func adaptivePools(_ size: (Int, Int)) throws {
        let x = distinctTensor([2, 3, 5, 4], seed: 5)
        try checkGradients([x], h: 1e-3) { t in try Tensor.adaptiveMaxPool2d(t[0], outputSize: size) }
        try checkGradients([x], h: 1e-3) { t in try Tensor.adaptiveAvgPool2d(t[0], outputSize: size) }
    }

    @Test(arguments: [true, false])
    func batchNorm(_ training: Bool) throws {
        let x = randomTensor([3, 2, 3, 3], seed: 6)
        let gamma = randomTensor([2], seed: 7), beta = randomTensor([2], seed: 8)
        let running = RunningStatistics(mean: Tensor([0.1, -0.2]), variance: Tensor([0.5, 2]))
        try checkGradients([x, gamma, beta], h: 1e-2) { t in
            var r = running
            return try Tensor.batchNorm(t[0], weight: t[1], bias: t[2], running: &r, training: training)
        }
        // 2-D input (BatchNorm1d in the head).
        try checkGradients([randomTensor([4, 3], seed: 9), randomTensor([3], seed: 10), randomTensor([3], seed: 11)]) { t in
            var r = RunningStatistics(mean: .zeros([3]), variance: .ones([3]))
            return try Tensor.batchNorm(t[0], weight: t[1], bias: t[2], running: &r, training: training)
        }
    }

    /// Train-mode batch norm with the residual and ReLU fused, on small planes (gathered per
    /// channel) and larger ones (plane by plane), against the three operations one after another.
    @Test(arguments: [[5, 3, 2, 2], [6, 2, 1, 1], [3, 2, 5, 5]])
    func fusedResidualAndReLUMatchTheOpsOneAfterAnother(_ shape: [Int]) throws {
        let c = shape[1]
        let x = randomTensor(shape, seed: 1), residual = randomTensor(shape, seed: 2), dy = randomTensor(shape, seed: 3)
        let gamma = randomTensor([c], seed: 4), beta = randomTensor([c], seed: 5)
        let running = RunningStatistics(mean: .zeros([c]), variance: .ones([c]))
        let (fused, fusedGrads) = try tapeGradients([x, gamma, beta, residual], seed: dy) { t in
            var r = running
            return try Tensor.batchNorm(t[0], weight: t[1], bias: t[2], running: &r, training: true, residual: t[3], relu: true)
        }
        let (separate, separateGrads) = try tapeGradients([x, gamma, beta, residual], seed: dy) { t in
            var r = running
            return try Tensor.add(Tensor.batchNorm(t[0], weight: t[1], bias: t[2], running: &r, training: true), t[3]).relu()
        }
        #expect(fused.maxRelativeDifference(from: separate) < 1e-6)
        #expect(fused.storage.contains(0) && fused.storage.contains { $0 > 0 })
        for (a, b) in zip(fusedGrads, separateGrads) {
            #expect(try #require(a).maxRelativeDifference(from: try #require(b)) < 1e-5)
        }
    }

    @Test func dropoutWithAMask() throws {
        var g = RandomGenerator(seed: 3)
        let mask = Tensor.dropoutMask([4, 6], p: 0.5, generator: &g)
        #expect(Set(mask.storage) == [0, 2])
        let x = randomTensor([4, 6], seed: 1)
        let (_, grads) = try tapeGradients([x], seed: .ones([4, 6])) { t in t[0].dropout(mask: mask) }
        #expect(grads[0] == mask)
    }

    @Test func crossEntropyIsSoftmaxMinusOneHotOverB() throws {
        let logits = randomTensor([3, 4], seed: 2)
        try checkGradients([logits], h: 1e-3) { t in try Tensor.crossEntropy(t[0], targets: [0, 3, 1]) }
        let (loss, grads) = try tapeGradients([logits], seed: Tensor(shape: [], storage: [1])) { t in
            try Tensor.crossEntropy(t[0], targets: [0, 3, 1])
        }
        let p = try logits.softmax(dim: 1)
        var expected = p
        for (i, t) in [0, 3, 1].enumerated() { expected[i, t] -= 1 }
        #expect(grads[0]!.maxRelativeDifference(from: expected.scaled(by: 1.0 / 3)) < 1e-5)
        let manual = (0..<3).map { i in -log(Double(p[i, [0, 3, 1][i]])) }.reduce(0, +) / 3
        #expect(abs(Double(loss.storage[0]) - manual) < 1e-5)
        #expect(throws: TensorError("Target 4 is out of bounds (4 classes).")) { try Tensor.crossEntropy(logits, targets: [0, 4, 1]) }
    }

    @Test func gradientsAccumulateWhereAValueIsUsedTwice() throws {
        let x = randomTensor([2, 3], seed: 1)
        let (_, grads) = try tapeGradients([x], seed: .ones([2, 3])) { t in try Tensor.add(t[0], t[0]) }
        #expect(grads[0] == Tensor(shape: [2, 3], repeating: 2))
    }
}
