/// Batch norm's backward. With `x̂ = (x − mean) · invStd`, per channel over its `m` values:
/// `dβ = Σ g`, `dγ = Σ g · x̂`; the input gradient is `γ · invStd · g` when the statistics were
/// constants (eval mode), and in train mode, where the batch's mean and variance depend on every
/// input, `γ · invStd · (g − Σ g / m − x̂ · Σ(g · x̂) / m)` — PyTorch's `batch_norm_backward`.
///
/// With a ReLU fused after the batch norm (`mask`, the ReLU's output), `g` is first zeroed where
/// the output is not positive — ReLU's backward, done on the fly in both passes instead of as a
/// pass of its own. Channels run in parallel; the sums go through `ChannelSums`.
extension Tensor {
    func batchNormBackward(
        input x: Tensor, weight gamma: [Float]?, means: [Float], invStds: [Float], batchStatistics: Bool, mask: Tensor? = nil,
        needInput: Bool, needParameters: Bool
    ) -> (Tensor?, Tensor?, Tensor?) {
        let n = x.shape[0], c = x.shape[1]
        let inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        let m = Double(n * inner)
        var sums = [Double](repeating: 0, count: 2 * c)
        var dx = needInput ? Tensor(uninitialized: x.shape) : nil
        x.storage.withUnsafeBufferPointer { xs in
            storage.withUnsafeBufferPointer { gs in
                (mask?.storage ?? []).withUnsafeBufferPointer { ms in
                    let xp = xs.baseAddress!, gp = gs.baseAddress!
                    let yp = mask == nil ? nil : ms.baseAddress
                    // The sums are needed for the parameters' gradients, and for the input's in train mode.
                    // Small planes: each channel's planes gathered into one run (g, x, mask, dx).
                    let gathered = inner < ChannelSums.gatheredPlane, total = n * inner
                    if needParameters || batchStatistics {
                        sums.withUnsafeMutableBufferPointer { sp in
                            let out = sp.baseAddress!
                            Parallel.ranges(c) { channels in
                                Workspace.withBuffer(gathered ? 3 * total : 0) { run in
                                    for ch in channels {
                                        let mean = means[ch]
                                        var sg: Double = 0, sgx: Double = 0
                                        if gathered {
                                            let (g, x, y) = (run, run + total, run + 2 * total)
                                            ChannelSums.gather(gp + ch * inner, runs: n, length: inner, stride: c * inner, into: g)
                                            ChannelSums.gather(xp + ch * inner, runs: n, length: inner, stride: c * inner, into: x)
                                            if let yp { ChannelSums.gather(yp + ch * inner, runs: n, length: inner, stride: c * inner, into: y) }
                                            (sg, sgx) = ChannelSums.preciseGradientSums(
                                                g, x, mask: yp == nil ? nil : UnsafePointer(y), count: total, mean: mean)
                                        } else {
                                            for i in 0..<n {
                                                let base = (i * c + ch) * inner
                                                sg += ChannelSums.sum(gp + base, mask: yp.map { $0 + base }, count: inner)
                                                sgx += ChannelSums.weightedDeviations(
                                                    gp + base, xp + base, mask: yp.map { $0 + base }, count: inner, mean: mean)
                                            }
                                        }
                                        // (Each channel writes only its own two slots.)
                                        out[2 * ch] = sg
                                        out[2 * ch + 1] = sgx * Double(invStds[ch])
                                    }
                                }
                            }
                        }
                    }
                    guard dx != nil else { return }
                    dx!.storage.withUnsafeMutableBufferPointer { ds in
                        let dp = ds.baseAddress!
                        Parallel.ranges(c) { channels in
                            Workspace.withBuffer(gathered ? 4 * total : 0) { run in
                                for ch in channels {
                                    let mean = means[ch], invStd = invStds[ch]
                                    let k = (gamma?[ch] ?? 1) * invStd
                                    let meanG = batchStatistics ? Float(sums[2 * ch] / m) : 0
                                    let meanGX = batchStatistics ? Float(sums[2 * ch + 1] / m) : 0
                                    if gathered {
                                        let (g, x, y, d) = (run, run + total, run + 2 * total, run + 3 * total)
                                        ChannelSums.gather(gp + ch * inner, runs: n, length: inner, stride: c * inner, into: g)
                                        ChannelSums.gather(xp + ch * inner, runs: n, length: inner, stride: c * inner, into: x)
                                        if let yp { ChannelSums.gather(yp + ch * inner, runs: n, length: inner, stride: c * inner, into: y) }
                                        ChannelSums.inputGradient(
                                            g, x, mask: yp == nil ? nil : UnsafePointer(y), count: total, k: k, mean: mean, invStd: invStd,
                                            meanG: meanG, meanGX: meanGX, into: d)
                                        ChannelSums.scatter(d, runs: n, length: inner, stride: c * inner, into: dp + ch * inner)
                                        continue
                                    }
                                    for i in 0..<n {
                                        let base = (i * c + ch) * inner
                                        ChannelSums.inputGradient(
                                            gp + base, xp + base, mask: yp.map { $0 + base }, count: inner, k: k, mean: mean, invStd: invStd,
                                            meanG: meanG, meanGX: meanGX, into: dp + base)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard needParameters else { return (dx, nil, nil) }
        let dgamma = (0..<c).map { Float(sums[2 * $0 + 1]) }, dbeta = (0..<c).map { Float(sums[2 * $0]) }
        return (dx, Tensor(dgamma), Tensor(dbeta))
    }
}
