/// Window settings for max and average pooling.
public struct PoolGeometry: Sendable, Equatable {
    public var kernel: (Int, Int)
    public var stride: (Int, Int)
    public var padding: (Int, Int)
    public var dilation: (Int, Int)
    public var ceilMode: Bool

    public init(
        kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
        dilation: (Int, Int) = (1, 1), ceilMode: Bool = false
    ) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
    }

    public static func == (l: PoolGeometry, r: PoolGeometry) -> Bool {
        l.kernel == r.kernel && l.stride == r.stride && l.padding == r.padding && l.dilation == r.dilation
            && l.ceilMode == r.ceilMode
    }

    /// PyTorch's `pooling_output_shape`: with ceil_mode the last window must start inside the
    /// input or its left padding.
    static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceil: Bool) -> Int {
        let span = input + 2 * padding - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0)
        var out = floorDiv(span, stride) + 1
        if ceil && (out - 1) * stride >= input + padding { out -= 1 }
        return out
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    func validate(_ x: Tensor, _ name: String) throws(TensorError) -> (Int, Int) {
        guard x.rank == 4 else { throw TensorError("\(name): expected 4D input, got \(Tensor.describe(x.shape))") }
        guard padding.0 * 2 <= kernel.0, padding.1 * 2 <= kernel.1 else {
            throw TensorError("pad should be at most half of effective kernel size")
        }
        let oh = Self.outputSize(x.shape[2], kernel: kernel.0, stride: stride.0, padding: padding.0, dilation: dilation.0, ceil: ceilMode)
        let ow = Self.outputSize(x.shape[3], kernel: kernel.1, stride: stride.1, padding: padding.1, dilation: dilation.1, ceil: ceilMode)
        guard oh > 0, ow > 0 else {
            throw TensorError(
                "Given input size: (\(x.shape[1])x\(x.shape[2])x\(x.shape[3])). Calculated output size: (\(x.shape[1])x\(oh)x\(ow)). Output size is too small"
            )
        }
        return (oh, ow)
    }
}

extension Tensor {
    /// `F.max_pool2d`: padding counts as -∞, so it never wins.
    public static func maxPool2d(_ x: Tensor, _ g: PoolGeometry) throws(TensorError) -> Tensor {
        let (oh, ow) = try g.validate(x, "max_pool2d")
        let (h, w) = (x.shape[2], x.shape[3])
        let y = g.dilation == (1, 1) ? x.separableMaxPool(g, oh: oh, ow: ow) : x.dilatedMaxPool(g, oh: oh, ow: ow)
        return y.recorded(from: [x]) { grad, _ in [grad.maxPoolBackward(input: x, g)] }
    }

    func dilatedMaxPool(_ g: PoolGeometry, oh: Int, ow: Int) -> Tensor {
        let (h, w) = (shape[2], shape[3])
        return mapPlanes(oh: oh, ow: ow) { plane, r, q in
            var best = -Float.infinity
            for i in 0..<g.kernel.0 {
                let ih = r * g.stride.0 - g.padding.0 + i * g.dilation.0
                if ih < 0 || ih >= h { continue }
                for j in 0..<g.kernel.1 {
                    let iw = q * g.stride.1 - g.padding.1 + j * g.dilation.1
                    if iw < 0 || iw >= w { continue }
                    let v = plane[ih * w + iw]
                    if v > best || v.isNaN { best = v }
                }
            }
            return best
        }
    }

    /// `F.avg_pool2d`; with `countIncludePad` the divisor counts padding, but never the part of a
    /// ceil-mode window that hangs past the padded input.
    public static func avgPool2d(_ x: Tensor, _ g: PoolGeometry, countIncludePad: Bool = true) throws(TensorError)
        -> Tensor
    {
        let (oh, ow) = try g.validate(x, "avg_pool2d")
        let (h, w) = (x.shape[2], x.shape[3])
        let shape = x.shape
        return x.mapPlanes(oh: oh, ow: ow) { plane, r, q in
            let (rows, columns, divisor) = g.averageWindow(r, q, h: h, w: w, countIncludePad: countIncludePad)
            if rows.isEmpty || columns.isEmpty { return 0 }
            var sum: Float = 0
            for ih in rows { for iw in columns { sum += plane[ih * w + iw] } }
            return sum / divisor
        }.recorded(from: [x]) { grad, _ in [grad.avgPoolBackward(inputShape: shape, g, countIncludePad: countIncludePad)] }
    }

    /// `F.adaptive_avg_pool2d`: window `i` spans `floor(i·in/out) ..< ceil((i+1)·in/out)`.
    public static func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) throws(TensorError) -> Tensor {
        try adaptivePool(x, outputSize, "adaptive_avg_pool2d") { plane, w, rows, cols in
            var sum: Float = 0
            for ih in rows { for iw in cols { sum += plane[ih * w + iw] } }
            return sum / Float(rows.count * cols.count)
        }.recorded(from: [x]) { grad, _ in [grad.adaptiveBackward(input: nil, inputShape: x.shape)] }
    }

    /// `F.adaptive_max_pool2d` with the same windows as the average version.
    public static func adaptiveMaxPool2d(_ x: Tensor, outputSize: (Int, Int)) throws(TensorError) -> Tensor {
        try adaptivePool(x, outputSize, "adaptive_max_pool2d") { plane, w, rows, cols in
            var best = -Float.infinity
            for ih in rows {
                for iw in cols {
                    let v = plane[ih * w + iw]
                    if v > best || v.isNaN { best = v }
                }
            }
            return best
        }.recorded(from: [x]) { grad, _ in [grad.adaptiveBackward(input: x, inputShape: x.shape)] }
    }

    private static func adaptivePool(
        _ x: Tensor, _ size: (Int, Int), _ name: String,
        _ reduce: (UnsafePointer<Float>, Int, Range<Int>, Range<Int>) -> Float
    ) throws(TensorError) -> Tensor {
        guard x.rank == 4 else { throw TensorError("\(name): expected 4D input, got \(describe(x.shape))") }
        guard size.0 > 0, size.1 > 0 else { throw TensorError("\(name): output size must be positive") }
        let (h, w) = (x.shape[2], x.shape[3])
        guard h > 0, w > 0 else {
            throw TensorError("\(name): expected input to have non-zero size for non-batch dimensions")
        }
        return x.mapPlanes(oh: size.0, ow: size.1) { plane, r, q in
            let rows = (r * h / size.0)..<(((r + 1) * h + size.0 - 1) / size.0)
            let cols = (q * w / size.1)..<(((q + 1) * w + size.1 - 1) / size.1)
            return reduce(plane, w, rows, cols)
        }
    }

    /// Builds `[N, C, oh, ow]` by evaluating `value(plane, row, col)` on every input plane.
    /// Max pooling without dilation as two 1-D passes per plane — the maximum over the window's
    /// rows for every column (vector loops along whole rows), then over its columns — the same
    /// values as the 2-D window (a maximum is a maximum in any grouping, NaN included).
    func separableMaxPool(_ g: PoolGeometry, oh: Int, ow: Int) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        var out = Tensor(uninitialized: [n, c, oh, ow])
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                let x = src.baseAddress!, y = dst.baseAddress!
                Parallel.ranges(n * c) { planes in
                    let column = UnsafeMutablePointer<Float>.allocate(capacity: w)
                    defer { column.deallocate() }
                    for p in planes {
                        let plane = x + p * h * w, target = y + p * oh * ow
                        for r in 0..<oh {
                            // Down: column[x] = max of plane[window r][x].
                            let h0 = max(0, r * g.stride.0 - g.padding.0), h1 = min(h, r * g.stride.0 - g.padding.0 + g.kernel.0)
                            column.update(repeating: -.infinity, count: w)
                            for ih in h0..<max(h0, h1) {
                                let row = plane + ih * w
                                for q in 0..<w {
                                    let v = row[q], best = column[q]
                                    column[q] = v > best || v != v ? v : best
                                }
                            }
                            // Across: out[r][q] = max of column[window q].
                            let o = target + r * ow
                            for q in 0..<ow {
                                let w0 = max(0, q * g.stride.1 - g.padding.1), w1 = min(w, q * g.stride.1 - g.padding.1 + g.kernel.1)
                                var best = -Float.infinity
                                for iw in w0..<max(w0, w1) {
                                    let v = column[iw]
                                    best = v > best || v != v ? v : best
                                }
                                o[q] = best
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    func mapPlanes(oh: Int, ow: Int, _ value: (UnsafePointer<Float>, Int, Int) -> Float) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        var out = Tensor.zeros([n, c, oh, ow])
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                let x = src.baseAddress!, y = dst.baseAddress!
                Parallel.forEach(n * c, work: h * w) { p in
                    let plane = x + p * h * w
                    let target = y + p * oh * ow
                    for r in 0..<oh { for q in 0..<ow { target[r * ow + q] = value(plane, r, q) } }
                }
            }
        }
        return out
    }
}

extension PoolGeometry {
    /// Average pooling's window for output (r, q) of an h×w plane, clipped to the input, and its
    /// divisor: PyTorch counts the padded window (clipped to the padded input, so a ceil-mode window
    /// hanging past it counts less) with `count_include_pad`, the real positions without. The forward
    /// pass and its backward both use it.
    func averageWindow(_ r: Int, _ q: Int, h: Int, w: Int, countIncludePad: Bool) -> (rows: Range<Int>, columns: Range<Int>, divisor: Float) {
        let h0 = r * stride.0 - padding.0, w0 = q * stride.1 - padding.1
        let h1 = min(h0 + kernel.0, h + padding.0), w1 = min(w0 + kernel.1, w + padding.1)
        let padded = (h1 - h0) * (w1 - w0)
        let rows = max(h0, 0)..<max(max(h0, 0), min(h1, h)), columns = max(w0, 0)..<max(max(w0, 0), min(w1, w))
        return (rows, columns, Float(countIncludePad ? padded : rows.count * columns.count))
    }
}
