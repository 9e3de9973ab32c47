/// Batch norm's backward. With `x̂ = (x − mean) · invStd`, per channel over its `m` values:
/// `dβ = Σ g`, `dγ = Σ g · x̂`; the input gradient is `γ · invStd · g` when the statistics were
/// constants (eval mode), and in train mode, where the batch's mean and variance depend on every
/// input, `γ · invStd · (g − Σ g / m − x̂ · Σ(g · x̂) / m)` — PyTorch's `batch_norm_backward`.
extension Tensor {
    func batchNormBackward(
        input x: Tensor, weight gamma: [Float]?, means: [Float], invStds: [Float], batchStatistics: Bool,
        needInput: Bool, needParameters: Bool
    ) -> (Tensor?, Tensor?, Tensor?) {
        let n = x.shape[0], c = x.shape[1]
        let inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        let m = Double(n * inner)
        var sumG = [Double](repeating: 0, count: c), sumGX = [Double](repeating: 0, count: c)
        var dx = needInput ? Tensor.zeros(x.shape) : nil
        x.storage.withUnsafeBufferPointer { xs in
            storage.withUnsafeBufferPointer { gs in
                sumG.withUnsafeMutableBufferPointer { sgp in
                    sumGX.withUnsafeMutableBufferPointer { sgxp in
                        Parallel.forEach(c, work: n * inner * 4) { ch in
                            let mean = means[ch], invStd = invStds[ch]
                            var sg: Double = 0, sgx: Double = 0
                            for i in 0..<n {
                                let base = (i * c + ch) * inner
                                for j in 0..<inner {
                                    let gv = gs[base + j]
                                    sg += Double(gv)
                                    sgx += Double(gv) * Double((xs[base + j] - mean) * invStd)
                                }
                            }
                            // (Each channel writes only its own slots.)
                            sgp[ch] = sg
                            sgxp[ch] = sgx
                        }
                    }
                }
            }
        }
        if var out = dx {
            x.storage.withUnsafeBufferPointer { xs in
                storage.withUnsafeBufferPointer { gs in
                    out.storage.withUnsafeMutableBufferPointer { ds in
                        Parallel.forEach(c, work: n * inner * 4) { ch in
                            let mean = means[ch], invStd = invStds[ch]
                            let k = (gamma?[ch] ?? 1) * invStd
                            let meanG = Float(sumG[ch] / m), meanGX = Float(sumGX[ch] / m)
                            for i in 0..<n {
                                let base = (i * c + ch) * inner
                                for j in 0..<inner {
                                    let g = gs[base + j]
                                    if batchStatistics {
                                        let xhat = (xs[base + j] - mean) * invStd
                                        ds[base + j] = k * (g - meanG - xhat * meanGX)
                                    } else {
                                        ds[base + j] = k * g
                                    }
                                }
                            }
                        }
                    }
                }
            }
            dx = out
        }
        guard needParameters else { return (dx, nil, nil) }
        return (dx, Tensor(sumGX.map { Float($0) }), Tensor(sumG.map { Float($0) }))
    }
}
