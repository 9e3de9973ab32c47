/// The pools' backward passes: each output's gradient goes back to the input positions its window
/// read — all of them, divided by the divisor, for average pools; the first maximal element in
/// row-major order (a NaN wins) for max pools, as PyTorch's CPU kernels pick their index.
extension Tensor {
    /// Max pooling's backward, recomputing each window's argmax from the saved input: one task per
    /// plane, the window scanned in row-major order with `argmax`'s rule written out (a closure
    /// and strided ranges per output cost ten times the work).
    func maxPoolBackward(input x: Tensor, _ g: PoolGeometry) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        let (oh, ow) = (shape[2], shape[3])
        let (kh, kw) = g.kernel, (sh, sw) = g.stride, (ph, pw) = g.padding, (dh, dw) = g.dilation
        var dx = Tensor.zeros(x.shape)
        storage.withUnsafeBufferPointer { gb in
            x.storage.withUnsafeBufferPointer { xb in
                dx.storage.withUnsafeMutableBufferPointer { db in
                    let gp = gb.baseAddress!, xp = xb.baseAddress!, dp = db.baseAddress!
                    Parallel.forEach(shape[0] * shape[1], work: oh * ow * kh * kw) { p in
                        let plane = xp + p * h * w, out = dp + p * h * w, grads = gp + p * oh * ow
                        for r in 0..<oh {
                            var ih0 = r * sh - ph
                            let ih1 = min(ih0 + (kh - 1) * dh + 1, h)
                            while ih0 < 0 { ih0 += dh }
                            for q in 0..<ow {
                                var iw0 = q * sw - pw
                                let iw1 = min(iw0 + (kw - 1) * dw + 1, w)
                                while iw0 < 0 { iw0 += dw }
                                var best = -Float.infinity
                                var index = -1
                                var ih = ih0
                                while ih < ih1 {
                                    var iw = iw0
                                    while iw < iw1 {
                                        let v = plane[ih * w + iw]
                                        if index < 0 { index = ih * w + iw }
                                        if v > best || v.isNaN {
                                            best = v
                                            index = ih * w + iw
                                        }
                                        iw += dw
                                    }
                                    ih += dh
                                }
                                if index >= 0 { out[index] += grads[r * ow + q] }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// Adaptive pooling's backward: the argmax for max (`input` given), an even share for average.
    func adaptiveBackward(input x: Tensor?, inputShape: [Int]) -> Tensor {
        let (h, w) = (inputShape[2], inputShape[3])
        let (oh, ow) = (shape[2], shape[3])
        if let x {
            return scatterPlanes(input: x, inputShape: inputShape) { plane, r, q in
                let rows = (r * h / oh)..<(((r + 1) * h + oh - 1) / oh)
                let cols = (q * w / ow)..<(((q + 1) * w + ow - 1) / ow)
                return Self.argmax(
                    plane!, w, stride(from: rows.lowerBound, to: rows.upperBound, by: 1), stride(from: cols.lowerBound, to: cols.upperBound, by: 1))
            }
        }
        return spreadPlanes(inputShape: inputShape) { r, q in
            let rows = (r * h / oh)..<(((r + 1) * h + oh - 1) / oh)
            let cols = (q * w / ow)..<(((q + 1) * w + ow - 1) / ow)
            return (rows, cols, Float(rows.count * cols.count))
        }
    }

    /// Average pooling's backward, with the forward's divisor rule.
    func avgPoolBackward(inputShape: [Int], _ g: PoolGeometry, countIncludePad: Bool) -> Tensor {
        let (h, w) = (inputShape[2], inputShape[3])
        return spreadPlanes(inputShape: inputShape) { r, q in
            let window = g.averageWindow(r, q, h: h, w: w, countIncludePad: countIncludePad)
            if window.rows.isEmpty || window.columns.isEmpty { return (0..<0, 0..<0, 1) }
            return window
        }
    }

    /// The first position of the largest value (NaN counts as largest) among `rows × cols`, as
    /// `ih · w + iw`; the first position when every value is -∞.
    private static func argmax(_ plane: UnsafePointer<Float>, _ w: Int, _ rows: StrideTo<Int>, _ cols: StrideTo<Int>) -> Int? {
        var best = -Float.infinity
        var index: Int?
        for ih in rows {
            for iw in cols {
                let v = plane[ih * w + iw]
                if index == nil { index = ih * w + iw }
                if v > best || v.isNaN {
                    best = v
                    index = ih * w + iw
                }
            }
        }
        return index
    }

    /// Routes each output gradient (self, `[N, C, OH, OW]`) to the one input position `pick` names.
    private func scatterPlanes(
        input: Tensor?, inputShape: [Int], _ pick: (UnsafePointer<Float>?, Int, Int) -> Int?
    ) -> Tensor {
        let (h, w) = (inputShape[2], inputShape[3])
        let (oh, ow) = (shape[2], shape[3])
        var dx = Tensor.zeros(inputShape)
        storage.withUnsafeBufferPointer { gb in
            dx.storage.withUnsafeMutableBufferPointer { db in
                let gp = gb.baseAddress!, dp = db.baseAddress!
                (input?.storage ?? []).withUnsafeBufferPointer { xb in
                    Parallel.forEach(shape[0] * shape[1], work: h * w) { p in
                        let plane = xb.baseAddress.map { $0 + p * h * w }
                        for r in 0..<oh {
                            for q in 0..<ow {
                                if let i = pick(plane, r, q) { dp[p * h * w + i] += gp[(p * oh + r) * ow + q] }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// Spreads each output gradient evenly (÷ divisor) over the input window `window` names.
    private func spreadPlanes(inputShape: [Int], _ window: (Int, Int) -> (Range<Int>, Range<Int>, Float)) -> Tensor {
        let (h, w) = (inputShape[2], inputShape[3])
        let (oh, ow) = (shape[2], shape[3])
        var dx = Tensor.zeros(inputShape)
        storage.withUnsafeBufferPointer { gb in
            dx.storage.withUnsafeMutableBufferPointer { db in
                let gp = gb.baseAddress!, dp = db.baseAddress!
                Parallel.forEach(shape[0] * shape[1], work: h * w) { p in
                    for r in 0..<oh {
                        for q in 0..<ow {
                            let (rows, cols, divisor) = window(r, q)
                            let share = gp[(p * oh + r) * ow + q] / divisor
                            for ih in rows { for iw in cols { dp[p * h * w + ih * w + iw] += share } }
                        }
                    }
                }
            }
        }
        return dx
    }
}
