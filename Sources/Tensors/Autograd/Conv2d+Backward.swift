/// The convolution's backward: both halves are im2col GEMMs, as in PyTorch's CPU `slow_conv2d`.
/// Per image, with `col` the unfolded input `[C·kh·kw, OH·OW]` and `dY` the output gradient
/// `[OC, OH·OW]` (each per group): the weight gradient is `Σ dY · colᵀ`, the input gradient folds
/// `Wᵀ · dY` back onto the image (col2im, summing overlapping windows).
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
        return y.recorded(from: [input, weight] + (bias.map { [$0] } ?? [])) { grad, needs in
            Tensor.conv2dBackward(grad, input: savedInput, inputShape: inputShape, weight: weight, g, needs: needs)
        }
    }
}

extension Tensor {
    /// Gradients of `conv2d` for the inputs `needs` asks for: `[input, weight, bias?]`.
    static func conv2dBackward(
        _ dy: Tensor, input: Tensor?, inputShape: [Int], weight: Tensor, _ g: ConvGeometry, needs: [Bool]
    ) -> [Tensor?] {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oc, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let spatial = oh * ow, groups = g.groups
        let ocg = oc / groups, kg = cg * kh * kw, kRows = c * kh * kw
        var dx: Tensor?, dw: Tensor?, db: Tensor?
        dy.storage.withUnsafeBufferPointer { dyb in
            let dyp = dyb.baseAddress!
            if needs[1], let input {
                // One partial sum per thread, added in a fixed order: the result does not depend on
                // which thread took which images.
                let parts = max(1, min(ExecutionOptions.current.threads, n))
                let per = (n + parts - 1) / parts
                var partials = [Float](repeating: 0, count: parts * oc * kg)
                input.storage.withUnsafeBufferPointer { xb in
                    partials.withUnsafeMutableBufferPointer { pb in
                        let pp = pb.baseAddress!
                        Parallel.forEach(parts, work: .max / parts) { part in
                            let acc = pp + part * oc * kg
                            Workspace.withBuffer(kRows * spatial) { col in
                                for i in (part * per)..<min(n, (part + 1) * per) {
                                    Im2col.unfold(
                                        xb.baseAddress! + i * c * h * w, n: 1, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, g,
                                        into: col, parallel: false)
                                    for group in 0..<groups {
                                        GEMM.sgemm(
                                            transposeB: true, m: ocg, n: kg, k: spatial,
                                            a: dyp + (i * oc + group * ocg) * spatial, lda: spatial,
                                            b: col + group * kg * spatial, ldb: spatial, beta: 1,
                                            c: acc + group * ocg * kg, ldc: kg)
                                    }
                                }
                            }
                        }
                    }
                }
                var sum = [Float](repeating: 0, count: oc * kg)
                for part in 0..<parts { for j in 0..<(oc * kg) { sum[j] += partials[part * oc * kg + j] } }
                dw = Tensor(shape: weight.shape, storage: sum)
            }
            if needs.count > 2, needs[2] {
                var sums = [Float](repeating: 0, count: oc)
                for i in 0..<n {
                    for o in 0..<oc {
                        let plane = dyp + (i * oc + o) * spatial
                        var s: Float = 0
                        for j in 0..<spatial { s += plane[j] }
                        sums[o] += s
                    }
                }
                db = Tensor(sums)
            }
            if needs[0] {
                var out = Tensor.zeros(inputShape)
                weight.storage.withUnsafeBufferPointer { wb in
                    out.storage.withUnsafeMutableBufferPointer { ob in
                        let op = ob.baseAddress!
                        Parallel.ranges(n) { images in
                            Workspace.withBuffer(kRows * spatial) { col in
                                for i in images {
                                    for group in 0..<groups {
                                        GEMM.sgemm(
                                            transposeA: true, m: kg, n: spatial, k: ocg,
                                            a: wb.baseAddress! + group * ocg * kg, lda: kg,
                                            b: dyp + (i * oc + group * ocg) * spatial, ldb: spatial,
                                            c: col + group * kg * spatial, ldc: spatial)
                                    }
                                    Im2col.fold(col, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, g, into: op + i * c * h * w)
                                }
                            }
                        }
                    }
                }
                dx = out
            }
        }
        return needs.count > 2 ? [dx, dw, db] : [dx, dw]
    }
}

extension Im2col {
    /// col2im: adds each column entry of `[C·kh·kw, OH·OW]` back onto the input position it was
    /// copied from (one image), so overlapping windows sum — the adjoint of `unfold`.
    static func fold(
        _ col: UnsafePointer<Float>, c: Int, h: Int, w: Int, kh: Int, kw: Int, oh: Int, ow: Int, _ g: ConvGeometry,
        into x: UnsafeMutablePointer<Float>
    ) {
        let (sh, sw) = g.stride, (ph, pw) = g.padding, (dh, dw) = g.dilation
        let spatial = oh * ow
        for ci in 0..<c {
            let plane = x + ci * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((ci * kh + i) * kw + j) * spatial
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
