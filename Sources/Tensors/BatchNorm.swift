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
    ///
    /// `residual` and `relu` fuse what follows a ResNet's batch norms — `relu(bn(x) + residual)` —
    /// into the same pass over the output, and into one backward whose ReLU mask is applied on the
    /// fly: the values are those of the three operations run one after another.
    public static func batchNorm(
        _ x: Tensor, weight: Tensor?, bias: Tensor?, running: inout RunningStatistics,
        training: Bool, momentum: Float = 0.1, eps: Float = 1e-5, residual: Tensor? = nil, relu: Bool = false
    ) throws(TensorError) -> Tensor {
        guard x.rank == 2 || x.rank == 4 else {
            throw TensorError("expected 2D or 4D input (got \(x.rank)D input)")
        }
        let n = x.shape[0], c = x.shape[1]
        let inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        if let residual, residual.shape != x.shape {
            throw TensorError(
                "The size of tensor a (\(describe(x.shape))) must match the size of tensor b (\(describe(residual.shape)))")
        }
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
            // Per channel: the mean, then the squared deviations from it (two passes, as
            // PyTorch's CPU kernel), each plane summed by `ChannelSums` (small planes gathered
            // into one run first); channels in parallel.
            var sums = [Double](repeating: 0, count: 2 * c)
            let gathered = inner < ChannelSums.gatheredPlane
            x.storage.withUnsafeBufferPointer { xs in
                sums.withUnsafeMutableBufferPointer { sp in
                    let xp = xs.baseAddress!, out = sp.baseAddress!
                    Parallel.ranges(c) { channels in
                        Workspace.withBuffer(gathered ? m : 0) { run in
                            for ch in channels {
                                var sum: Double = 0, sq: Double = 0
                                if gathered {
                                    ChannelSums.gather(xp + ch * inner, runs: n, length: inner, stride: c * inner, into: run)
                                    sum = ChannelSums.preciseSum(run, count: m)
                                    sq = ChannelSums.preciseSquaredDeviations(run, count: m, mean: sum / Double(m))
                                } else {
                                    for i in 0..<n { sum += ChannelSums.sum(xp + (i * c + ch) * inner, count: inner) }
                                    let mean = Float(sum / Double(m))
                                    for i in 0..<n { sq += ChannelSums.squaredDeviations(xp + (i * c + ch) * inner, count: inner, mean: mean) }
                                }
                                // (Each channel writes only its own two slots.)
                                out[2 * ch] = sum / Double(m)
                                out[2 * ch + 1] = sq
                            }
                        }
                    }
                }
            }
            for ch in 0..<c {
                let mean = sums[2 * ch], sq = sums[2 * ch + 1]
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
        } else {
            (scale, shift) = evalScaleShift(weight: weight, bias: bias, running: running, eps: eps)
            means = running.mean.storage
            invStds = running.variance.storage.map { 1 / ($0 + eps).squareRoot() }
        }
        let y = x.scaledPerChannel(scale: scale, shift: shift, residual: residual, relu: relu)
        let inputs = [x] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
        let mask = relu ? y : nil
        let label = "batchNorm" + (residual == nil ? "" : " + residual") + (relu ? " + ReLU" : "")
        return y.recorded(from: inputs, label: label) { [means, invStds] g, needs in
            let parameterNeeds = needs.dropFirst().prefix((weight == nil ? 0 : 1) + (bias == nil ? 0 : 1))
            // The residual's gradient is the masked output gradient itself: made once, and then
            // batch norm's backward needs no mask of its own.
            var g = g, mask = mask
            let residualGradient: Tensor? = residual != nil && needs.last == true ? (mask.map { g.masked(where: $0) } ?? g) : nil
            if let residualGradient, mask != nil {
                g = residualGradient
                mask = nil
            }
            let (dx, dgamma, dbeta) = g.batchNormBackward(
                input: x, weight: gamma, means: means, invStds: invStds, batchStatistics: training, mask: mask, needInput: needs[0],
                needParameters: parameterNeeds.contains(true))
            var out: [Tensor?] = [dx]
            if weight != nil { out.append(dgamma) }
            if bias != nil { out.append(dbeta) }
            if residual != nil { out.append(residualGradient) }
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

    /// `y = x · scale[c] + shift[c]` along dimension 1, then `+ residual` and ReLU if asked.
    func scaledPerChannel(scale: [Float], shift: [Float], residual: Tensor? = nil, relu: Bool = false) -> Tensor {
        var out = Tensor(uninitialized: shape)
        let n = shape[0], c = shape[1], inner = count / max(1, n * c)
        // One task per (image, channel) plane, so a single image also uses both cores; small
        // planes go a run of planes per task.
        let planes = n * c, perTask = max(1, min(c, 1024 / max(1, inner)))
        storage.withUnsafeBufferPointer { xs in
            (residual?.storage ?? []).withUnsafeBufferPointer { rs in
                out.storage.withUnsafeMutableBufferPointer { y in
                    let xp = xs.baseAddress!, yp = y.baseAddress!, rp = residual == nil ? nil : rs.baseAddress
                    Parallel.forEach((planes + perTask - 1) / perTask, work: perTask * inner) { task in
                        let first = task * perTask
                        var ch = first % c
                        for plane in first..<min(planes, first + perTask) {
                            let s = scale[ch], b = shift[ch]
                            let from = xp + plane * inner, row = yp + plane * inner
                            for j in 0..<inner { row[j] = from[j] * s + b }
                            if let rp {
                                let res = rp + plane * inner
                                for j in 0..<inner { row[j] += res[j] }
                            }
                            if relu {
                                for j in 0..<inner where !(row[j] > 0) && !row[j].isNaN { row[j] = 0 }
                            }
                            ch = ch + 1 == c ? 0 : ch + 1
                        }
                    }
                }
            }
        }
        return out
    }
}
