/// The convolution's backward. Per image, with `col` the unfolded input `[C·kh·kw, OH·OW]` and `dY`
/// the output gradient `[OC, OH·OW]` (each per group): the weight gradient is `Σ dY · colᵀ`, the
/// input gradient folds `Wᵀ · dY` back onto the image (col2im, summing overlapping windows) — both
/// im2col GEMMs, as in PyTorch's CPU `slow_conv2d`. What makes them fast (docs/performance.md):
/// - A 3×3 stride-1 layer goes back through Winograd's transforms (`Winograd+Backward.swift`): the
///   weight gradient always, the input gradient from eight images on, with the forward kernel's own
///   transformed weights. A layer on 1×1 maps keeps its single-tap GEMM.
/// - Otherwise a stride-1 layer's input gradient *is* a forward convolution — of `dY`, with the
///   weights' input and output channels swapped and each kernel turned by 180°, padding `k − 1 − p`
///   — so it runs through the forward pass's own kernels (Winograd for 3×3, a plain GEMM for 1×1).
/// - Small maps go in chunks of images unfolded together, so the GEMMs get wide matrices (a 7×7
///   map makes a GEMM 49 wide per image; 32 images make it 1568).
/// - Work is spread over the threads by images: each thread sums its images' weight gradients
///   into its own partial sum (a GEMM accumulating over the chunk's images × positions), and the
///   partials are added in a fixed order, so the result does not depend on scheduling.
extension ConvKernel {
    /// `F.conv2d` with gradients: runs this kernel on `input` and records it with `weight` and
    /// `bias` — the tracked reads of the tensors the kernel was prepared from — as its inputs.
    public func callAsFunction(_ input: Tensor, weight: Tensor, bias: Tensor?) throws(TensorError) -> Tensor {
        precondition(scale == nil, "a folded batch norm has no gradient")
        let y = try self(input)
        let g = geometry
        // Saved only when needed: the input for the weight gradient, the weight for the input's.
        let savedInput = weight.isTracked ? input : nil
        let inputShape = input.shape
        let label = "conv2d \(g.kernel.0)×\(g.kernel.1) stride \(g.stride.0)"
        return y.recorded(from: [input, weight] + (bias.map { [$0] } ?? []), label: label) { grad, needs in
            Tensor.conv2dBackward(grad, input: savedInput, inputShape: inputShape, weight: weight, g, needs: needs, kernel: self)
        }
    }
}

extension Tensor {
    /// Gradients of `conv2d` for the inputs `needs` asks for: `[input, weight, bias?]`. `kernel`,
    /// the forward pass's (made from `weight`), lends its Winograd-transformed weights.
    public static func conv2dBackward(
        _ dy: Tensor, input: Tensor?, inputShape: [Int], weight: Tensor, _ g: ConvGeometry, needs: [Bool], kernel: ConvKernel? = nil
    ) -> [Tensor?] {
        var (dx, dw): (Tensor?, Tensor?) = (nil, nil)
        if needs[0] || needs[1],
            let (x, w) = winogradGradients(dy, input: input, inputShape: inputShape, weight: weight, g, needs: needs, kernel: kernel)
        {
            (dx, dw) = (x, w)
        }
        if needs[1], dw == nil { dw = input.map { convWeightGradient(dy, input: $0, weightShape: weight.shape, g) } }
        let db = needs.count > 2 && needs[2] ? convBiasGradient(dy) : nil
        if needs[0], dx == nil { dx = convInputGradient(dy, inputShape: inputShape, weight: weight, g) }
        return needs.count > 2 ? [dx, dw, db] : [dx, dw]
    }

    /// Both gradients of a 3×3 stride-1 layer through Winograd's transforms, sharing the output
    /// gradient's transform (`Winograd.backward`), with the forward pass's choice of variant: the
    /// weight gradient always, the input gradient for batches whose transforms go one lane per
    /// image. Nil where this path does not apply (the caller takes the others).
    private static func winogradGradients(
        _ dy: Tensor, input: Tensor?, inputShape: [Int], weight: Tensor, _ g: ConvGeometry, needs: [Bool], kernel: ConvKernel?
    ) -> (Tensor?, Tensor?)? {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oc, oh, ow) = (weight.shape[0], dy.shape[2], dy.shape[3])
        guard !g.seesOneTap(input: (h, w), output: (oh, ow)), let variant = Winograd.variant(for: g, inputChannels: c, output: (n, oh, ow))
        else { return nil }
        let tiles = ((oh + variant.m - 1) / variant.m) * ((ow + variant.m - 1) / variant.m)
        let wantsInput = needs[0] && Winograd.backwardChunks(n: n, tiles: tiles).byImages
        let wantsWeight = needs[1] && input != nil
        guard wantsInput || wantsWeight else { return nil }
        let u: [Float]? =
            !wantsInput
            ? nil
            : kernel.flatMap { $0.weight.storage == weight.storage ? $0.winogradWeights(variant) : nil }
                ?? weight.storage.withUnsafeBufferPointer {
                    variant.transformWeights($0.baseAddress!, outChannels: oc, inChannels: c, scale: nil)
                }
        var dx = wantsInput ? Tensor(uninitialized: inputShape) : nil
        var dw = wantsWeight ? Tensor(uninitialized: weight.shape) : nil
        let x = input?.storage ?? []
        dy.storage.withUnsafeBufferPointer { dyb in
            x.withUnsafeBufferPointer { xb in
                (u ?? []).withUnsafeBufferPointer { ub in
                    withOptionalBuffer(&dx) { dxp in
                        withOptionalBuffer(&dw) { dwp in
                            variant.backward(
                                input: wantsWeight ? xb.baseAddress : nil, n: n, c: c, h: h, w: w, padding: g.padding,
                                outputGradient: dyb.baseAddress!, outChannels: oc, oh: oh, ow: ow, weights: wantsInput ? ub.baseAddress : nil,
                                inputGradient: dxp, weightGradient: dwp)
                        }
                    }
                }
            }
        }
        return (dx, dw)
    }

    /// `body` with a pointer to the storage of `t`, or nil without a tensor.
    private static func withOptionalBuffer(_ t: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
        guard var tensor = t else { return body(nil) }
        t = nil
        tensor.storage.withUnsafeMutableBufferPointer { body($0.baseAddress) }
        t = tensor
    }

    /// Images per chunk: enough for about `columns` GEMM columns, at most `limit` floats unfolded.
    private static func imagesPerChunk(spatial: Int, rows: Int, of count: Int, columns: Int = 8192, limit: Int = 4 << 20) -> Int {
        max(1, min(count, columns / max(1, spatial), limit / max(1, rows * spatial)))
    }

    /// Copies the output gradients of `images` consecutive images (`[images, OC, S]` from `dy`)
    /// into `[OC, images·S]`, the layout of a chunk's unfolded columns.
    private static func gatherChunk(_ dy: UnsafePointer<Float>, images: Int, oc: Int, spatial: Int, into out: UnsafeMutablePointer<Float>) {
        let columns = images * spatial
        for o in 0..<oc {
            for i in 0..<images {
                (out + o * columns + i * spatial).update(from: dy + (i * oc + o) * spatial, count: spatial)
            }
        }
    }

    /// `Σ over images of dY · colᵀ`, `[OC, C/groups·kh·kw]`.
    static func convWeightGradient(_ dy: Tensor, input: Tensor, weightShape: [Int], _ g: ConvGeometry) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oc, cg, kh, kw) = (weightShape[0], weightShape[1], weightShape[2], weightShape[3])
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let spatial = oh * ow, groups = g.groups
        let ocg = oc / groups, kg = cg * kh * kw, kRows = c * kh * kw
        let size = oc * kg
        let pointwise = kh == 1 && kw == 1 && g.stride == (1, 1) && g.padding == (0, 0)
        // 1×1 maps in and out: only the tap at the padding offset meets the input (the forward's
        // single-tap case); every other tap's gradient is exactly 0.
        if g.seesOneTap(input: (h, w), output: (oh, ow)) {
            let tap = g.padding.0 * kw + g.padding.1, taps = kh * kw
            var out = [Float](repeating: 0, count: oc * kRows)
            dy.storage.withUnsafeBufferPointer { dyb in
                input.storage.withUnsafeBufferPointer { xb in
                    Workspace.withBuffer(oc * c) { dwTap in
                        // dW_tap[OC, C] = dYᵀ[OC, N] · X[N, C]
                        GEMM.sgemm(
                            transposeA: true, m: oc, n: c, k: n, a: dyb.baseAddress!, lda: oc, b: xb.baseAddress!, ldb: c, c: dwTap, ldc: c)
                        for o in 0..<oc { for ci in 0..<c { out[(o * c + ci) * taps + tap] = dwTap[o * c + ci] } }
                    }
                }
            }
            return Tensor(shape: weightShape, storage: out)
        }
        if groups == 1 && ExecutionOptions.current.threads > 1 {
            return batchWeightGradient(dy, input: input, weightShape: weightShape, g)
        }
        // One partial sum per thread, added in a fixed order: the result does not depend on which
        // thread took which images.
        let parts = max(1, min(ExecutionOptions.current.threads, n))
        let per = (n + parts - 1) / parts
        let chunk = imagesPerChunk(spatial: spatial, rows: kRows, of: per)
        var partials = [Float](repeating: 0, count: parts * size)
        dy.storage.withUnsafeBufferPointer { dyb in
            input.storage.withUnsafeBufferPointer { xb in
                partials.withUnsafeMutableBufferPointer { pb in
                    let dyp = dyb.baseAddress!, xp = xb.baseAddress!, pp = pb.baseAddress!
                    Parallel.forEach(parts, work: .max / parts) { part in
                        let acc = pp + part * size
                        let images = (part * per)..<min(n, (part + 1) * per)
                        Workspace.withBuffer(pointwise && chunk == 1 ? 0 : kRows * chunk * spatial) { col in
                            Workspace.withBuffer(chunk == 1 ? 0 : oc * chunk * spatial) { staged in
                                for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
                                    let count = min(chunk, images.upperBound - first)
                                    let columns = count * spatial
                                    let image = xp + first * c * h * w
                                    var columnsBase = UnsafePointer(col)
                                    if pointwise && count == 1 {
                                        columnsBase = image
                                    } else {
                                        Im2col.unfold(
                                            image, n: count, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, g, into: col, parallel: false)
                                    }
                                    var gradients = dyp + first * oc * spatial
                                    if count > 1 {
                                        gatherChunk(gradients, images: count, oc: oc, spatial: spatial, into: staged)
                                        gradients = UnsafePointer(staged)
                                    }
                                    for group in 0..<groups {
                                        GEMM.sgemm(
                                            transposeB: true, m: ocg, n: kg, k: columns,
                                            a: gradients + group * ocg * columns, lda: columns,
                                            b: columnsBase + group * kg * columns, ldb: columns, beta: 1,
                                            c: acc + group * ocg * kg, ldc: kg)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard parts > 1 else { return Tensor(shape: weightShape, storage: Array(partials[0..<size])) }
        var sum = [Float](repeating: 0, count: size)
        sum.withUnsafeMutableBufferPointer { sb in
            partials.withUnsafeBufferPointer { pb in
                let sp = sb.baseAddress!, pp = pb.baseAddress!
                Parallel.chunks(size) { range in
                    for part in 0..<parts {
                        let src = pp + part * size
                        for j in range { sp[j] += src[j] }
                    }
                }
            }
        }
        return Tensor(shape: weightShape, storage: sum)
    }

    /// The weight gradient of a one-group convolution as GEMMs over chunks of the batch: each
    /// chunk's images are unfolded side by side (`[C·kh·kw, images·OH·OW]`, the threads taking
    /// channels) and its output gradients gathered into `[OC, images·OH·OW]`; one GEMM, cut into
    /// column slices of the result (one per thread, so no partial sums), accumulates over all of
    /// the chunk's images × positions, and chunks follow each other in order (`beta = 1`). The
    /// result does not depend on the threads' timing; on small maps (a 28×28 image's later stages)
    /// the GEMM gets the whole batch as its depth instead of a few dozen positions.
    static func batchWeightGradient(_ dy: Tensor, input: Tensor, weightShape: [Int], _ g: ConvGeometry, limit: Int = 4 << 20) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oc, kh, kw) = (weightShape[0], weightShape[2], weightShape[3])
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let spatial = oh * ow, kRows = c * kh * kw
        let chunk = imagesPerChunk(spatial: spatial, rows: kRows, of: n, columns: .max, limit: limit)
        let threads = ExecutionOptions.current.threads
        var out = [Float](repeating: 0, count: oc * kRows)
        dy.storage.withUnsafeBufferPointer { dyb in
            input.storage.withUnsafeBufferPointer { xb in
                out.withUnsafeMutableBufferPointer { ob in
                    let dyp = dyb.baseAddress!, xp = xb.baseAddress!, op = ob.baseAddress!
                    Workspace.withBuffer(kRows * chunk * spatial) { col in
                        Workspace.withBuffer(oc * chunk * spatial) { staged in
                            for first in stride(from: 0, to: n, by: chunk) {
                                let count = min(chunk, n - first), columns = count * spatial
                                Im2col.unfold(
                                    xp + first * c * h * w, n: count, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, g, into: col,
                                    parallel: true)
                                Parallel.forEach(oc, work: columns) { o in
                                    for i in 0..<count {
                                        (staged + o * columns + i * spatial).update(from: dyp + ((first + i) * oc + o) * spatial, count: spatial)
                                    }
                                }
                                // Column slices of the result: rows of `col`, a multiple of 16 each.
                                let step = ((kRows + threads - 1) / threads + 15) / 16 * 16
                                let parts = (kRows + step - 1) / step
                                Parallel.forEach(parts, work: .max / parts) { p in
                                    let lo = p * step, width = min(kRows, lo + step) - lo
                                    GEMM.sgemm(
                                        transposeB: true, m: oc, n: width, k: columns, a: staged, lda: columns, b: col + lo * columns,
                                        ldb: columns, beta: first == 0 ? 0 : 1, c: op + lo, ldc: kRows)
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: weightShape, storage: out)
    }

    /// `Σ dY` over images and positions, per output channel.
    static func convBiasGradient(_ dy: Tensor) -> Tensor {
        let (n, oc) = (dy.shape[0], dy.shape[1])
        let spatial = dy.shape[2] * dy.shape[3]
        var sums = [Float](repeating: 0, count: oc)
        dy.storage.withUnsafeBufferPointer { dyb in
            for i in 0..<n {
                for o in 0..<oc {
                    let plane = dyb.baseAddress! + (i * oc + o) * spatial
                    var s: Float = 0
                    for j in 0..<spatial { s += plane[j] }
                    sums[o] += s
                }
            }
        }
        return Tensor(sums)
    }

    /// The input gradient: for a stride-1 layer (one group, no dilation) a forward convolution of
    /// `dY` with the turned, transposed weights; otherwise `Wᵀ · dY` folded back (col2im).
    /// (Keeping the turned kernel of a frozen layer between steps, with its Winograd transform,
    /// saved too little to pay for its memory: 190 MB more peak RSS on frozen resnet34 at batch 8.)
    static func convInputGradient(_ dy: Tensor, inputShape: [Int], weight: Tensor, _ g: ConvGeometry) -> Tensor {
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        // 1×1 maps: dX[N, C] = dY[N, OC] · W_tap[OC, C], the one tap that met the input.
        if g.seesOneTap(input: (inputShape[2], inputShape[3]), output: (dy.shape[2], dy.shape[3])) {
            let (n, c, oc) = (inputShape[0], inputShape[1], weight.shape[0])
            let taps = kh * kw, tap = g.padding.0 * kw + g.padding.1
            var dx = Tensor(uninitialized: inputShape)
            dy.storage.withUnsafeBufferPointer { dyb in
                weight.storage.withUnsafeBufferPointer { wb in
                    dx.storage.withUnsafeMutableBufferPointer { out in
                        Workspace.withBuffer(oc * c) { wTap in
                            let wp = wb.baseAddress!
                            for i in 0..<(oc * c) { wTap[i] = wp[i * taps + tap] }
                            GEMM.sgemm(m: n, n: c, k: oc, a: dyb.baseAddress!, lda: oc, b: wTap, ldb: c, c: out.baseAddress!, ldc: c)
                        }
                    }
                }
            }
            return dx
        }
        if ExecutionOptions.current.fastPaths, g.stride == (1, 1), g.dilation == (1, 1), g.groups == 1,
            g.padding.0 <= kh - 1, g.padding.1 <= kw - 1,
            let kernel = try? ConvKernel(
                weight: weight.turnedAndTransposed(), bias: nil,
                ConvGeometry(kernel: (kh, kw), padding: (kh - 1 - g.padding.0, kw - 1 - g.padding.1))),
            kernel.outputShape(for: dy.shape) == inputShape,
            let dx = try? kernel(dy)
        {
            return dx
        }
        return foldedInputGradient(dy, inputShape: inputShape, weight: weight, g)
    }

    /// `[C, OC, kh, kw]` from `[OC, C, kh, kw]` with each kernel turned by 180°: the weights of the
    /// transposed convolution.
    func turnedAndTransposed() -> Tensor {
        let (oc, c, kh, kw) = (shape[0], shape[1], shape[2], shape[3])
        let taps = kh * kw
        var out = [Float](repeating: 0, count: count)
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for o in 0..<oc {
                    for ci in 0..<c {
                        let from = src.baseAddress! + (o * c + ci) * taps, to = dst.baseAddress! + (ci * oc + o) * taps
                        for t in 0..<taps { to[t] = from[taps - 1 - t] }
                    }
                }
            }
        }
        return Tensor(shape: [c, oc, kh, kw], storage: out)
    }

    /// `Wᵀ · dY` per chunk of images, folded back onto each image (col2im); threads take images.
    static func foldedInputGradient(_ dy: Tensor, inputShape: [Int], weight: Tensor, _ g: ConvGeometry) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oc, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let spatial = oh * ow, groups = g.groups
        let ocg = oc / groups, kg = cg * kh * kw, kRows = c * kh * kw
        let parts = max(1, min(ExecutionOptions.current.threads, n))
        let per = (n + parts - 1) / parts
        let chunk = imagesPerChunk(spatial: spatial, rows: kRows, of: per)
        var out = Tensor.zeros(inputShape)
        dy.storage.withUnsafeBufferPointer { dyb in
            weight.storage.withUnsafeBufferPointer { wb in
                out.storage.withUnsafeMutableBufferPointer { ob in
                    let dyp = dyb.baseAddress!, wp = wb.baseAddress!, op = ob.baseAddress!
                    Parallel.forEach(parts, work: .max / parts) { part in
                        let images = (part * per)..<min(n, (part + 1) * per)
                        Workspace.withBuffer(kRows * chunk * spatial) { col in
                            Workspace.withBuffer(chunk == 1 ? 0 : oc * chunk * spatial) { staged in
                                for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
                                    let count = min(chunk, images.upperBound - first)
                                    let columns = count * spatial
                                    var gradients = dyp + first * oc * spatial
                                    if count > 1 {
                                        gatherChunk(gradients, images: count, oc: oc, spatial: spatial, into: staged)
                                        gradients = UnsafePointer(staged)
                                    }
                                    for group in 0..<groups {
                                        GEMM.sgemm(
                                            transposeA: true, m: kg, n: columns, k: ocg,
                                            a: wp + group * ocg * kg, lda: kg,
                                            b: gradients + group * ocg * columns, ldb: columns,
                                            c: col + group * kg * columns, ldc: columns)
                                    }
                                    for i in 0..<count {
                                        Im2col.fold(
                                            col + i * spatial, columns: columns, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, g,
                                            into: op + (first + i) * c * h * w)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

extension Im2col {
    /// col2im: adds each column entry of `[C·kh·kw, columns]` (one image's `OH·OW` columns, rows
    /// `columns` apart) back onto the input position it was copied from, so overlapping windows
    /// sum — the adjoint of `unfold`.
    static func fold(
        _ col: UnsafePointer<Float>, columns: Int, c: Int, h: Int, w: Int, kh: Int, kw: Int, oh: Int, ow: Int, _ g: ConvGeometry,
        into x: UnsafeMutablePointer<Float>
    ) {
        let (sh, sw) = g.stride, (ph, pw) = g.padding, (dh, dw) = g.dilation
        for ci in 0..<c {
            let plane = x + ci * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((ci * kh + i) * kw + j) * columns
                    let dx = j * dw - pw
                    let lo = min(ow, max(0, (-dx + sw - 1) / sw))
                    let hi = max(lo, min(ow, (w - dx + sw - 1) / sw))
                    for r in 0..<oh {
                        let ih = r * sh - ph + i * dh
                        if ih < 0 || ih >= h { continue }
                        let src = row + r * ow, dst = plane + ih * w
                        if sw == 1 {
                            for q in lo..<hi { dst[q + dx] += src[q] }
                        } else {
                            var iw = lo * sw + dx
                            for q in lo..<hi {
                                dst[iw] += src[q]
                                iw += sw
                            }
                        }
                    }
                }
            }
        }
    }
}
