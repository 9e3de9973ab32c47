/// Sums over the planes of one channel for batch norm, fast and still close to a float64 sum:
/// eight float lanes accumulate a block of at most 512 values, and each block's total is added in
/// double precision (a float lane then sums at most 64 values). A plain float32 loop over a
/// 112×112×8 channel drifts by ~1e-5 relative; a double loop costs a conversion per element.
enum ChannelSums {
    /// Block length: each lane sums `block / 8` values in float before the double add.
    private static let block = 512

    /// `Σ f(i)` over `count` elements of a plane, where `f` gets 8 consecutive elements at a time and
    /// returns their contributions; `scalar` gives the contribution of each element past the last full 8.
    @inline(__always)
    private static func sum(_ count: Int, _ f: (Int) -> SIMD8<Float>, _ scalar: (Int) -> Float) -> Double {
        var total: Double = 0
        var start = 0
        while start < count {
            let end = min(count, start + block)
            var acc = SIMD8<Float>()
            var i = start
            while i + 8 <= end {
                acc += f(i)
                i += 8
            }
            var rest: Float = 0
            while i < end {
                rest += scalar(i)
                i += 1
            }
            total += Double(acc.sum()) + Double(rest)
            start = end
        }
        return total
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// `Σ x`.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        sum(count, { load(x, $0) }, { x[$0] })
    }

    /// `Σ (x − mean)²`.
    static func squaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Double {
        let m = SIMD8<Float>(repeating: mean)
        return sum(
            count,
            { i in
                let d = load(x, i) - m
                return d * d
            },
            { i in
                let d = x[i] - mean
                return d * d
            })
    }

    /// `Σ g · (x − mean)`.
    static func weightedDeviations(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, mean: Float) -> Double {
        let m = SIMD8<Float>(repeating: mean)
        return sum(count, { i in load(g, i) * (load(x, i) - m) }, { i in g[i] * (x[i] - mean) })
    }
}

extension ChannelSums {
    /// `g` where `mask` (a ReLU's output) is positive, 0 elsewhere (also where it is NaN, as
    /// `threshold_backward` on the result does); `g` itself without a mask.
    @inline(__always)
    private static func masked(_ g: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
        g.replacing(with: 0, where: .!(y .> 0))
    }

    @inline(__always)
    private static func masked(_ g: Float, _ y: Float) -> Float { y > 0 ? g : 0 }

    /// `Σ g`, masked.
    static func sum(_ g: UnsafePointer<Float>, mask y: UnsafePointer<Float>?, count: Int) -> Double {
        guard let y else { return sum(g, count: count) }
        return sum(count, { i in masked(load(g, i), load(y, i)) }, { i in masked(g[i], y[i]) })
    }

    /// `Σ g · (x − mean)`, `g` masked.
    static func weightedDeviations(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mask y: UnsafePointer<Float>?, count: Int, mean: Float
    ) -> Double {
        guard let y else { return weightedDeviations(g, x, count: count, mean: mean) }
        let m = SIMD8<Float>(repeating: mean)
        return sum(count, { i in masked(load(g, i), load(y, i)) * (load(x, i) - m) }, { i in masked(g[i], y[i]) * (x[i] - mean) })
    }

    /// Batch norm's input gradient for one plane: `k · (g − meanG − x̂ · meanGX)` with
    /// `x̂ = (x − mean) · invStd`, `g` masked (both means are 0 in eval mode).
    static func inputGradient(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mask y: UnsafePointer<Float>?, count: Int, k: Float, mean: Float,
        invStd: Float, meanG: Float, meanGX: Float, into d: UnsafeMutablePointer<Float>
    ) {
        let kv = SIMD8<Float>(repeating: k), mv = SIMD8<Float>(repeating: mean), iv = SIMD8<Float>(repeating: invStd)
        let gv = SIMD8<Float>(repeating: meanG), xv = SIMD8<Float>(repeating: meanGX)
        var i = 0
        while i + 8 <= count {
            var gi = load(g, i)
            if let y { gi = masked(gi, load(y, i)) }
            let xhat = (load(x, i) - mv) * iv
            UnsafeMutableRawPointer(d + i).storeBytes(of: kv * (gi - gv - xhat * xv), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let gi = y.map { masked(g[i], $0[i]) } ?? g[i]
            let xhat = (x[i] - mean) * invStd
            d[i] = k * (gi - meanG - xhat * meanGX)
            i += 1
        }
    }
}

extension ChannelSums {
    /// Planes smaller than this are gathered per channel before they are summed: a call per image
    /// on a 1×1 or 2×2 plane costs more than the copy.
    static let gatheredPlane = 16

    /// `dst[i·length + j] = src[i·stride + j]`: one channel's `runs` planes side by side.
    @inline(__always)
    static func gather(_ src: UnsafePointer<Float>, runs: Int, length: Int, stride: Int, into dst: UnsafeMutablePointer<Float>) {
        for i in 0..<runs {
            let from = src + i * stride, to = dst + i * length
            for j in 0..<length { to[j] = from[j] }
        }
    }

    /// `Σ x` in double precision, element by element: the sums of a gathered run, which holds
    /// few values per channel (a float accumulation there rounded differently enough from the
    /// plane-by-plane sums to move an ill-conditioned network's output by 1e-4).
    static func preciseSum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var s: Double = 0
        for i in 0..<count { s += Double(x[i]) }
        return s
    }

    /// `Σ (x − mean)²` in double precision.
    static func preciseSquaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Double) -> Double {
        var s: Double = 0
        for i in 0..<count {
            let d = Double(x[i]) - mean
            s += d * d
        }
        return s
    }

    /// `Σ g` and `Σ g · (x − mean)` in double precision, `g` masked where `y` (a ReLU's output) is not positive.
    static func preciseGradientSums(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mask y: UnsafePointer<Float>?, count: Int, mean: Float
    ) -> (Double, Double) {
        var sg: Double = 0, sgx: Double = 0
        let m = Double(mean)
        for i in 0..<count {
            let gi = y.map { $0[i] > 0 ? g[i] : 0 } ?? g[i]
            sg += Double(gi)
            sgx += Double(gi) * (Double(x[i]) - m)
        }
        return (sg, sgx)
    }

    /// The inverse of `gather`.
    @inline(__always)
    static func scatter(_ src: UnsafePointer<Float>, runs: Int, length: Int, stride: Int, into dst: UnsafeMutablePointer<Float>) {
        for i in 0..<runs {
            let from = src + i * length, to = dst + i * stride
            for j in 0..<length { to[j] = from[j] }
        }
    }
}
