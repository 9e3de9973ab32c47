/// The inner loop of an Adam step over one parameter's flat buffers, here so that it is compiled
/// like the other kernels (`-O`, AVX2/FMA: `addingProduct` is one instruction instead of a call to
/// `fmaf`) and spread over the threads in contiguous ranges. Elements are independent, so the
/// result does not depend on the split. The optimizer's bookkeeping (which parameter, which rate)
/// lives with the optimizer (`Fastai.AdamW`); this is arithmetic only.
public enum AdamKernel {
    /// The constants of one step: `decay` multiplies the parameter first (1 = none), `l2` adds
    /// `l2 · p` to the gradient, then torch's update with `w = 1 − β1`, `b2 = β2`,
    /// `oneMinusB2 = 1 − β2`, `stepSize = −lr / (1 − β1^t)`, `bc2Sqrt = √(1 − β2^t)` and `eps`.
    public struct Constants: Sendable {
        public var decay: Float, l2: Float, w: Float, b2: Float, oneMinusB2: Float, stepSize: Float, bc2Sqrt: Float, eps: Float
        public init(decay: Float, l2: Float, w: Float, b2: Float, oneMinusB2: Float, stepSize: Float, bc2Sqrt: Float, eps: Float) {
            (self.decay, self.l2, self.w, self.b2, self.oneMinusB2) = (decay, l2, w, b2, oneMinusB2)
            (self.stepSize, self.bc2Sqrt, self.eps) = (stepSize, bc2Sqrt, eps)
        }
    }

    /// Updates `count` values of `p` and the moments `m` and `v` in place from the gradient `g`, in
    /// torch's float32 operation order (lerp and addcmul as fused multiply-adds, like its
    /// vectorised CPU kernels).
    public static func step(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
        count: Int, _ k: Constants
    ) {
        Parallel.chunks(count) { range in
            // Eight at a time (the same operations lane by lane: the same bits), then the rest.
            typealias V = SIMD8<Float>
            let (decay, l2, w, b2) = (V(repeating: k.decay), V(repeating: k.l2), V(repeating: k.w), V(repeating: k.b2))
            let (oneMinusB2, stepSize, bc2Sqrt, eps) = (
                V(repeating: k.oneMinusB2), V(repeating: k.stepSize), V(repeating: k.bc2Sqrt), V(repeating: k.eps)
            )
            let withL2 = k.l2 != 0
            var j = range.lowerBound
            while j + 8 <= range.upperBound {
                let param = V(p, j) * decay
                let grad = withL2 ? V(g, j) + l2 * param : V(g, j)
                let mj = V(m, j).addingProduct(w, grad - V(m, j))
                let vj = (V(v, j) * b2).addingProduct(oneMinusB2 * grad, grad)
                let denom = vj.squareRoot() / bc2Sqrt + eps
                (param + stepSize * mj / denom).store(p, j)
                mj.store(m, j)
                vj.store(v, j)
                j += 8
            }
            for j in j..<range.upperBound {
                let param = p[j] * k.decay
                let grad = k.l2 == 0 ? g[j] : g[j] + k.l2 * param  // grad.add(param, alpha=wd)
                m[j] = m[j].addingProduct(k.w, grad - m[j])  // exp_avg.lerp_(grad, 1−β1): fma(w, g−m, m)
                // mul_(β2).addcmul_(g, g, value=1−β2): torch's CPU kernel fuses it as fma((1−β2)·g, g, β2·v).
                v[j] = (v[j] * k.b2).addingProduct(k.oneMinusB2 * grad, grad)
                let denom = v[j].squareRoot() / k.bc2Sqrt + k.eps
                p[j] = param + k.stepSize * m[j] / denom  // addcdiv_(m, denom, value=−step_size)
            }
        }
    }

    /// `p · factor`, in place (decay without an update).
    public static func scale(_ p: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        Parallel.chunks(count) { range in for j in range { p[j] *= factor } }
    }
}

extension SIMD8<Float> {
    /// Eight floats from `p + i`.
    @inline(__always)
    fileprivate init(_ p: UnsafePointer<Float>, _ i: Int) { self = UnsafeRawPointer(p + i).loadUnaligned(as: Self.self) }
    @inline(__always)
    fileprivate init(_ p: UnsafeMutablePointer<Float>, _ i: Int) { self.init(UnsafePointer(p), i) }
    /// Stores the eight floats at `p + i`.
    @inline(__always)
    fileprivate func store(_ p: UnsafeMutablePointer<Float>, _ i: Int) { UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: Self.self) }
}
