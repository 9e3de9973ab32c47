import Foundation

/// The backward halves of the elementwise, shape and linear operations, and the loss.
extension Tensor {
    /// `self` where `output > 0`, 0 elsewhere: ReLU's backward (PyTorch's `threshold_backward`
    /// on the result, so a NaN output passes no gradient).
    func masked(where output: Tensor) -> Tensor {
        var out = detached()
        out.storage.withUnsafeMutableBufferPointer { g in
            output.storage.withUnsafeBufferPointer { y in
                Parallel.chunks(g.count) { range in
                    for i in range where !(y[i] > 0) { g[i] = 0 }
                }
            }
        }
        return out
    }

    /// Cuts a concatenation's gradient back into its parts (`torch.cat`'s backward).
    func split(along d: Int, into shapes: [[Int]], needs: [Bool]) -> [Tensor?] {
        let outer = shape[..<d].reduce(1, *), inner = shape[(d + 1)...].reduce(1, *)
        var offset = 0
        return zip(shapes, needs).map { partShape, needed in
            let chunk = partShape[d] * inner, start = offset
            offset += chunk
            guard needed else { return nil }
            var part = [Float]()
            part.reserveCapacity(outer * chunk)
            let row = shape[d] * inner
            for o in 0..<outer { part.append(contentsOf: storage[(o * row + start)..<(o * row + start + chunk)]) }
            return Tensor(shape: partShape, storage: part)
        }
    }

    /// `F.linear`'s backward: dx = g·W, dW = gᵀ·x, db = Σ g over the batch.
    static func linearBackward(_ g: Tensor, input x: Tensor?, weight: Tensor, needs: [Bool]) -> [Tensor?] {
        let n = g.shape[0], m = g.shape[1], k = weight.shape[1]
        var dx: Tensor?, dw: Tensor?, db: Tensor?
        g.storage.withUnsafeBufferPointer { gp in
            if needs[0] {
                var out = Tensor.zeros([n, k])
                weight.storage.withUnsafeBufferPointer { wp in
                    out.storage.withUnsafeMutableBufferPointer { c in
                        GEMM.sgemm(m: n, n: k, k: m, a: gp.baseAddress!, lda: m, b: wp.baseAddress!, ldb: k, c: c.baseAddress!, ldc: k)
                    }
                }
                dx = out
            }
            if needs[1], let x {
                var out = Tensor.zeros([m, k])
                x.storage.withUnsafeBufferPointer { xp in
                    out.storage.withUnsafeMutableBufferPointer { c in
                        GEMM.sgemm(
                            transposeA: true, m: m, n: k, k: n, a: gp.baseAddress!, lda: m, b: xp.baseAddress!, ldb: k,
                            c: c.baseAddress!, ldc: k)
                    }
                }
                dw = out
            }
            if needs.count > 2, needs[2] {
                var sums = [Float](repeating: 0, count: m)
                for i in 0..<n { for j in 0..<m { sums[j] += gp[i * m + j] } }
                db = Tensor(sums)
            }
        }
        return needs.count > 2 ? [dx, dw, db] : [dx, dw]
    }

    /// `F.cross_entropy(logits, targets)` with mean reduction (fastai's `CrossEntropyFlat`): a
    /// scalar (shape `[]`). Its gradient is `(softmax − onehot) / B`.
    public static func crossEntropy(_ logits: Tensor, targets: [Int]) throws(TensorError) -> Tensor {
        guard logits.rank == 2 else { throw TensorError("cross_entropy expects [N, C] logits, got \(describe(logits.shape))") }
        let (n, c) = (logits.shape[0], logits.shape[1])
        guard targets.count == n else {
            throw TensorError("Expected input batch_size (\(n)) to match target batch_size (\(targets.count)).")
        }
        guard n > 0 else { throw TensorError("cross_entropy of an empty batch") }
        if let bad = targets.first(where: { $0 < 0 || $0 >= c }) {
            throw TensorError("Target \(bad) is out of bounds (\(c) classes).")
        }
        var probabilities = [Float](repeating: 0, count: n * c)
        var total: Double = 0
        logits.storage.withUnsafeBufferPointer { x in
            for i in 0..<n {
                let row = x.baseAddress! + i * c
                var m = -Float.infinity
                for j in 0..<c { m = Swift.max(m, row[j]) }
                var sum: Float = 0
                for j in 0..<c { sum += expf(row[j] - m) }
                let logSum = m + logf(sum)
                for j in 0..<c { probabilities[i * c + j] = expf(row[j] - logSum) }
                total += Double(logSum - row[targets[i]])
            }
        }
        let loss = Tensor(shape: [], storage: [Float(total / Double(n))])
        return loss.recorded(from: [logits]) { g, _ in
            var dx = Tensor(shape: [n, c], storage: probabilities)
            let scale = g.storage[0] / Float(n)
            for i in 0..<n { dx.storage[i * c + targets[i]] -= 1 }
            for i in dx.storage.indices { dx.storage[i] *= scale }
            return [dx]
        }
    }
}
