/// The running statistics a batch-norm layer keeps between calls.
public struct RunningStatistics: Sendable, Equatable {
    public var mean: Tensor
    public var variance: Tensor
    public init(mean: Tensor, variance: Tensor) {
        self.mean = mean
        self.variance = variance
    }
}

extension Tensor {
    /// `F.batch_norm` over dimension 1 for `[N, C]` or `[N, C, H, W]` input.
    ///
    /// Eval mode normalises with the running statistics. Train mode normalises with the batch's
    /// own mean and biased variance, and moves the running statistics towards the batch's mean
    /// and *unbiased* variance by `momentum` — PyTorch's rule.
    public static func batchNorm(
        _ x: Tensor, weight: Tensor?, bias: Tensor?, running: inout RunningStatistics,
        training: Bool, momentum: Float = 0.1, eps: Float = 1e-5
    ) throws(TensorError) -> Tensor {
        guard x.rank == 2 || x.rank == 4 else {
            throw TensorError("expected 2D or 4D input (got \(x.rank)D input)")
        }
        let n = x.shape[0], c = x.shape[1]
        let inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        guard running.mean.count == c else {
            throw TensorError(
                "running_mean should contain \(c) elements not \(running.mean.count)")
        }
        var scale = [Float](repeating: 1, count: c)
        var shift = [Float](repeating: 0, count: c)
        // What the backward pass needs: the mean and 1/√(var + ε) that normalised each channel.
        var means = [Float](repeating: 0, count: c)
        var invStds = [Float](repeating: 1, count: c)
        let gamma = weight?.storage, beta = bias?.storage
        if training {
            let m = n * inner
            guard m > 1 else {
                throw TensorError(
                    "Expected more than 1 value per channel when training, got input size \(describe(x.shape))")
            }
            x.storage.withUnsafeBufferPointer { xs in
                for ch in 0..<c {
                    var sum: Double = 0
                    for i in 0..<n { for j in 0..<inner { sum += Double(xs[(i * c + ch) * inner + j]) } }
                    let mean = sum / Double(m)
                    var sq: Double = 0
                    for i in 0..<n {
                        for j in 0..<inner {
                            let d = Double(xs[(i * c + ch) * inner + j]) - mean
                            sq += d * d
                        }
                    }
                    let biased = sq / Double(m), unbiased = sq / Double(m - 1)
                    let invStd = 1 / (biased + Double(eps)).squareRoot()
                    means[ch] = Float(mean)
                    invStds[ch] = Float(invStd)
                    let g = Double(gamma?[ch] ?? 1), b = Double(beta?[ch] ?? 0)
                    scale[ch] = Float(g * invStd)
                    shift[ch] = Float(b - mean * g * invStd)
                    running.mean.storage[ch] = (1 - momentum) * running.mean.storage[ch] + momentum * Float(mean)
                    running.variance.storage[ch] =
                        (1 - momentum) * running.variance.storage[ch] + momentum * Float(unbiased)
                }
            }
        } else {
            (scale, shift) = evalScaleShift(weight: weight, bias: bias, running: running, eps: eps)
            means = running.mean.storage
            invStds = running.variance.storage.map { 1 / ($0 + eps).squareRoot() }
        }
        let y = x.scaledPerChannel(scale: scale, shift: shift)
        let inputs = [x] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        return y.recorded(from: inputs) { [means, invStds] g, needs in
            let (dx, dgamma, dbeta) = g.batchNormBackward(
                input: x, weight: gamma, means: means, invStds: invStds, batchStatistics: training, needInput: needs[0],
                needParameters: needs.count > 1 && needs.dropFirst().contains(true))
            var out: [Tensor?] = [dx]
            if weight != nil { out.append(dgamma) }
            if bias != nil { out.append(dbeta) }
            return out
        }
    }

    /// Eval-mode batch norm as `y = x · scale[c] + shift[c]`, with `scale = γ / √(var + ε)` and
    /// `shift = β − mean · scale`: what `batchNorm` applies, and what folding it into the
    /// preceding convolution multiplies into the weights and adds to the bias.
    public static func evalScaleShift(
        weight: Tensor?, bias: Tensor?, running: RunningStatistics, eps: Float
    ) -> (scale: [Float], shift: [Float]) {
        let c = running.mean.count
        var scale = [Float](repeating: 1, count: c), shift = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            let invStd = 1 / (running.variance.storage[ch] + eps).squareRoot()
            let g = weight?.storage[ch] ?? 1, b = bias?.storage[ch] ?? 0
            scale[ch] = g * invStd
            shift[ch] = b - running.mean.storage[ch] * g * invStd
        }
        return (scale, shift)
    }

    /// `y = x · scale[c] + shift[c]` along dimension 1.
    func scaledPerChannel(scale: [Float], shift: [Float]) -> Tensor {
        var out = detached()
        let n = shape[0], c = shape[1], inner = count / max(1, n * c)
        out.storage.withUnsafeMutableBufferPointer { y in
            let yp = y.baseAddress!
            // One task per (image, channel) plane, so a single image also uses both cores.
            Parallel.forEach(n * c, work: inner) { plane in
                let ch = plane % c
                let s = scale[ch], b = shift[ch]
                let row = yp + plane * inner
                for j in 0..<inner { row[j] = row[j] * s + b }
            }
        }
        return out
    }
}
