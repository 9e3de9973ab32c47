/// Splitting a row into its phases — `phase[r][i] = row[m·i + r]` — with vector shuffles for the
/// strides the kernels use (2 and 4), the scalar loop otherwise.
enum Deinterleave {
    /// Writes `count` elements of each of the `m` phases of `src` (which must hold `m · count`
    /// floats) to `dst(r)`.
    @inline(__always)
    static func split(_ src: UnsafePointer<Float>, phases m: Int, count: Int, into dst: (Int) -> UnsafeMutablePointer<Float>) {
        var i = 0
        switch m {
        case 2:
            let (d0, d1) = (dst(0), dst(1))
            while i + 8 <= count {
                let v = UnsafeRawPointer(src + 2 * i).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(d0 + i).storeBytes(of: v.evenHalf, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d1 + i).storeBytes(of: v.oddHalf, as: SIMD8<Float>.self)
                i += 8
            }
        case 4:
            let (d0, d1, d2, d3) = (dst(0), dst(1), dst(2), dst(3))
            while i + 8 <= count {
                let v = UnsafeRawPointer(src + 4 * i).loadUnaligned(as: SIMD32<Float>.self)
                let even = v.evenHalf, odd = v.oddHalf
                UnsafeMutableRawPointer(d0 + i).storeBytes(of: even.evenHalf, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d1 + i).storeBytes(of: odd.evenHalf, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d2 + i).storeBytes(of: even.oddHalf, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d3 + i).storeBytes(of: odd.oddHalf, as: SIMD8<Float>.self)
                i += 8
            }
        default: break
        }
        for r in 0..<m {
            let d = dst(r)
            for j in i..<count { d[j] = src[m * j + r] }
        }
    }

    /// `dst[q] = src[2·q]` for `q < count`, reading no further than `src[2·count − 2]`.
    @inline(__always)
    static func evens(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<Float>) {
        var q = 0
        // A block of 8 reads 16 floats: stay inside what the scalar loop would read.
        while q + 8 < count {
            let v = UnsafeRawPointer(src + 2 * q).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(dst + q).storeBytes(of: v.evenHalf, as: SIMD8<Float>.self)
            q += 8
        }
        while q < count {
            dst[q] = src[2 * q]
            q += 1
        }
    }
}
