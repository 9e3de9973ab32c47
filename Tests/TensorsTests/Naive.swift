import Tensors

/// Straightforward loop implementations, written for clarity, that the fast kernels must match.
enum Naive {
    static func conv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: ConvGeometry) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oc, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let oh = (h + 2 * g.padding.0 - g.dilation.0 * (kh - 1) - 1) / g.stride.0 + 1
        let ow = (wd + 2 * g.padding.1 - g.dilation.1 * (kw - 1) - 1) / g.stride.1 + 1
        var y = Tensor.zeros([n, oc, oh, ow])
        let ocg = oc / g.groups
        for i in 0..<n {
            for o in 0..<oc {
                let group = o / ocg
                for r in 0..<oh {
                    for q in 0..<ow {
                        var s = b?[o] ?? 0
                        for ci in 0..<cg {
                            for a in 0..<kh {
                                for bb in 0..<kw {
                                    let ih = r * g.stride.0 - g.padding.0 + a * g.dilation.0
                                    let iw = q * g.stride.1 - g.padding.1 + bb * g.dilation.1
                                    if ih >= 0 && ih < h && iw >= 0 && iw < wd {
                                        s += x[i, group * cg + ci, ih, iw] * w[o, ci, a, bb]
                                    }
                                }
                            }
                        }
                        y[i, o, r, q] = s
                    }
                }
            }
        }
        _ = c
        return y
    }
}

/// max |a − b| / max(|b|, tiny): the relative error measure used throughout the tests.
func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    var worst: Float = 0
    for (x, y) in zip(a.storage, b.storage) { worst = max(worst, abs(x - y)) }
    return worst / max(b.maxAbs, 1e-12)
}
