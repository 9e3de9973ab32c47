import Foundation

extension Tensor {
    /// `F.relu`.
    public func relu() -> Tensor {
        var out = self
        out.storage.withUnsafeMutableBufferPointer { y in
            Parallel.chunks(y.count) { range in
                for i in range where !(y[i] > 0) && !y[i].isNaN { y[i] = 0 }
            }
        }
        return out.recorded(from: [self]) { [out] g, _ in [g.masked(where: out)] }
    }

    /// Elementwise sum of two tensors of the same shape (a residual connection).
    public static func add(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        guard a.shape == b.shape else {
            throw TensorError(
                "The size of tensor a (\(describe(a.shape))) must match the size of tensor b (\(describe(b.shape)))")
        }
        var out = a
        out.storage.withUnsafeMutableBufferPointer { y in
            b.storage.withUnsafeBufferPointer { z in
                Parallel.chunks(y.count) { range in
                    for i in range { y[i] += z[i] }
                }
            }
        }
        return out.recorded(from: [a, b]) { g, needs in [needs[0] ? g : nil, needs[1] ? g : nil] }
    }

    /// Multiplies every element by a constant.
    public func scaled(by factor: Float) -> Tensor {
        var out = detached()
        out.storage.withUnsafeMutableBufferPointer { y in for i in y.indices { y[i] *= factor } }
        return out
    }

    /// `torch.cat(tensors, dim)`: all shapes agree except along `dim`.
    public static func concatenate(_ parts: [Tensor], dim: Int) throws(TensorError) -> Tensor {
        guard let first = parts.first else { throw TensorError("torch.cat(): expected a non-empty list of Tensors") }
        let d = dim < 0 ? dim + first.rank : dim
        guard d >= 0, d < first.rank else {
            throw TensorError("Dimension out of range (expected to be in range of [\(-first.rank), \(first.rank - 1)], but got \(dim))")
        }
        for p in parts where p.rank != first.rank || (0..<first.rank).contains(where: { $0 != d && p.shape[$0] != first.shape[$0] }) {
            throw TensorError(
                "Sizes of tensors must match except in dimension \(d). Expected \(describe(first.shape)) but got \(describe(p.shape))")
        }
        let outer = first.shape[..<d].reduce(1, *)
        let inner = first.shape[(d + 1)...].reduce(1, *)
        var shape = first.shape
        shape[d] = parts.reduce(0) { $0 + $1.shape[d] }
        var storage: [Float] = []
        storage.reserveCapacity(count(of: shape))
        for o in 0..<outer {
            for p in parts {
                let chunk = p.shape[d] * inner
                storage.append(contentsOf: p.storage[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        let shapes = parts.map(\.shape)
        return Tensor(shape: shape, storage: storage).recorded(from: parts) { g, needs in
            g.split(along: d, into: shapes, needs: needs)
        }
    }

    /// `F.softmax(x, dim)`, stabilised by subtracting the maximum.
    public func softmax(dim: Int) throws(TensorError) -> Tensor {
        let d = dim < 0 ? dim + rank : dim
        guard d >= 0, d < rank else { throw TensorError("Dimension out of range (got \(dim) for \(rank)-D tensor)") }
        let outer = shape[..<d].reduce(1, *), size = shape[d], inner = shape[(d + 1)...].reduce(1, *)
        var out = detached()
        out.storage.withUnsafeMutableBufferPointer { y in
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * size * inner + i
                    var m = -Float.infinity
                    for k in 0..<size { m = Swift.max(m, y[base + k * inner]) }
                    var sum: Float = 0
                    for k in 0..<size {
                        let e = expf(y[base + k * inner] - m)
                        y[base + k * inner] = e
                        sum += e
                    }
                    for k in 0..<size { y[base + k * inner] /= sum }
                }
            }
        }
        return out
    }

    /// `F.linear`: `x · Wᵀ + b` for `[N, in]` input and `[out, in]` weight.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws(TensorError) -> Tensor {
        guard x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1] else {
            let rows = x.rank >= 1 ? x.count / Swift.max(1, x.shape.last ?? 1) : 1
            throw TensorError(
                "mat1 and mat2 shapes cannot be multiplied (\(rows)x\(x.shape.last ?? 0) and \(weight.shape.count == 2 ? weight.shape[1] : 0)x\(weight.shape.first ?? 0))"
            )
        }
        let n = x.shape[0], k = x.shape[1], m = weight.shape[0]
        var out = Tensor.zeros([n, m])
        if let bias {
            guard bias.shape == [m] else { throw TensorError("linear bias must have shape [\(m)]") }
            for i in 0..<n { out.storage.replaceSubrange((i * m)..<((i + 1) * m), with: bias.storage) }
        }
        x.storage.withUnsafeBufferPointer { a in
            weight.storage.withUnsafeBufferPointer { b in
                out.storage.withUnsafeMutableBufferPointer { c in
                    GEMM.sgemm(
                        transposeB: true, m: n, n: m, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: k,
                        beta: bias == nil ? 0 : 1, c: c.baseAddress!, ldc: m)
                }
            }
        }
        let savedInput = weight.isTracked ? x : nil
        return out.recorded(from: [x, weight] + (bias.map { [$0] } ?? [])) { g, needs in
            linearBackward(g, input: savedInput, weight: weight, needs: needs)
        }
    }

    /// `F.dropout`: in training, zeroes each element with probability `p` and scales the rest by
    /// `1/(1-p)`; otherwise the identity.
    public func dropout(p: Float, training: Bool, generator: inout RandomGenerator) -> Tensor {
        guard training, p > 0 else { return self }
        return dropout(mask: Tensor.dropoutMask(shape, p: p, generator: &generator))
    }

    /// The mask `dropout(p:training:generator:)` draws: 0 where an element is dropped, `1/(1-p)`
    /// where it is kept (PyTorch's `bernoulli(1-p) / (1-p)`).
    public static func dropoutMask(_ shape: [Int], p: Float, generator: inout RandomGenerator) -> Tensor {
        if p >= 1 { return Tensor.zeros(shape) }
        let keep = 1 / (1 - p)
        var mask = Tensor.zeros(shape)
        for i in mask.storage.indices { mask.storage[i] = generator.nextUniform() < Double(p) ? 0 : keep }
        return mask
    }

    /// Dropout with a given mask (`x · mask`), e.g. PyTorch's own, so a test can replay a run.
    public func dropout(mask: Tensor) -> Tensor {
        precondition(mask.shape == shape, "dropout mask \(mask.shape) for a \(shape) tensor")
        var out = self
        for i in out.storage.indices { out.storage[i] *= mask.storage[i] }
        return out.recorded(from: [self]) { g, _ in
            var dx = g
            for i in dx.storage.indices { dx.storage[i] *= mask.storage[i] }
            return [dx]
        }
    }
}
