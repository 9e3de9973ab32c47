import Tensors
import Testing

/// Runs `f` on a recording tape with every input tracked, back-propagates `seed` (a random
/// weighting of the output, so the check sees every output element), and returns the output and
/// each input's gradient.
func tapeGradients(_ inputs: [Tensor], seed: Tensor? = nil, _ f: ([Tensor]) throws -> Tensor) throws -> (Tensor, [Tensor?]) {
    final class Box: @unchecked Sendable {
        var grads: [Tensor?]
        init(grads: [Tensor?]) { self.grads = grads }
    }
    let box = Box(grads: Array(repeating: nil, count: inputs.count))
    let tape = Tape()
    let y = try tape.run { () throws -> Tensor in
        let tracked = inputs.enumerated().map { i, x in tape.leaf(x) { g in box.grads[i] = g } }
        return try f(tracked)
    }
    var g = RandomGenerator(seed: 99)
    try tape.backward(from: y, seed: seed ?? .uniform(y.shape, low: -1, high: 1, generator: &g))
    #expect(tape.liveNodes == 0)
    return (y, box.grads)
}

/// Checks the tape's gradients of `Σ f(inputs) · R` against central finite differences (Double
/// accumulation of the weighted output, step `h`), up to `tolerance` relative to the largest gradient.
func checkGradients(
    _ inputs: [Tensor], h: Float = 1e-2, tolerance: Float = 1e-2, sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Tensor]) throws -> Tensor
) throws {
    let y0 = try f(inputs)
    var rng = RandomGenerator(seed: 99)
    let weights = Tensor.uniform(y0.shape, low: -1, high: 1, generator: &rng)
    let (_, grads) = try tapeGradients(inputs, seed: weights, f)
    func objective(_ xs: [Tensor]) throws -> Double {
        let y = try f(xs)
        return zip(y.storage, weights.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    for (k, x) in inputs.enumerated() {
        guard let grad = grads[k] else {
            Issue.record("no gradient for input \(k)", sourceLocation: sourceLocation)
            continue
        }
        #expect(grad.shape == x.shape, sourceLocation: sourceLocation)
        var worst: Float = 0
        for i in 0..<x.count {
            var plus = inputs, minus = inputs
            var a = x, b = x
            a.withUnsafeMutableBufferPointer { $0[i] += h }
            b.withUnsafeMutableBufferPointer { $0[i] -= h }
            plus[k] = a
            minus[k] = b
            let numeric = Float((try objective(plus) - objective(minus)) / Double(2 * h))
            worst = max(worst, abs(numeric - grad.storage[i]))
        }
        let scale = max(grad.storage.map(abs).max() ?? 0, 1e-3)
        #expect(
            worst / scale <= tolerance, "input \(k): finite differences differ by \(worst) (largest gradient \(scale))",
            sourceLocation: sourceLocation)
    }
}

/// A seeded random tensor for gradient checks.
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = RandomGenerator(seed: seed)
    return .uniform(shape, low: -1, high: 1, generator: &g)
}

/// Values 0.01 apart in a seeded order: a max pool's winner cannot change under a finite-difference step.
func distinctTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = RandomGenerator(seed: seed)
    var values = (0..<Tensor.count(of: shape)).map { Float($0) * 0.01 - 1 }
    for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, Int(g.nextUniform() * Double(i + 1)) % (i + 1)) }
    return Tensor(shape: shape, storage: values)
}
