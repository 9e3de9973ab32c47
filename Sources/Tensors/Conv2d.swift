/// The geometry of a 2-D convolution: kernel, stride, padding, dilation, groups.
public struct ConvGeometry: Sendable, Equatable {
    public var kernel: (Int, Int)
    public var stride: (Int, Int)
    public var padding: (Int, Int)
    public var dilation: (Int, Int)
    public var groups: Int

    public init(
        kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
        dilation: (Int, Int) = (1, 1), groups: Int = 1
    ) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public static func == (l: ConvGeometry, r: ConvGeometry) -> Bool {
        l.kernel == r.kernel && l.stride == r.stride && l.padding == r.padding
            && l.dilation == r.dilation && l.groups == r.groups
    }

    /// Output size along one axis, PyTorch's formula.
    static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
    }
}

extension Tensor {
    /// `F.conv2d(input, weight, bias, stride, padding, dilation, groups)` as im2col + sgemm.
    ///
    /// Images are unfolded into `[C·kh·kw, images·OH·OW]` matrices so that one GEMM per group does
    /// the work; see the chunking rule below.
    public static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor? = nil, _ g: ConvGeometry
    ) throws(TensorError) -> Tensor {
        guard input.rank == 4 else {
            throw TensorError(
                "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: \(describe(input.shape))")
        }
        guard weight.rank == 4 else { throw TensorError("conv2d weight must be 4-D, got \(describe(weight.shape))") }
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oc, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let groups = g.groups
        guard groups >= 1, oc % groups == 0 else { throw TensorError("out_channels must be divisible by groups") }
        guard cg * groups == c else {
            throw TensorError(
                "Given groups=\(groups), weight of size \(describe(weight.shape)), expected input\(describe(input.shape)) to have \(cg * groups) channels, but got \(c) channels instead"
            )
        }
        if let bias, bias.shape != [oc] {
            throw TensorError("conv2d bias must have shape [\(oc)], got \(describe(bias.shape))")
        }
        let oh = ConvGeometry.outputSize(h, kernel: kh, stride: g.stride.0, padding: g.padding.0, dilation: g.dilation.0)
        let ow = ConvGeometry.outputSize(w, kernel: kw, stride: g.stride.1, padding: g.padding.1, dilation: g.dilation.1)
        guard oh > 0, ow > 0 else {
            throw TensorError(
                "Calculated padded input size per channel: (\(h + 2 * g.padding.0) x \(w + 2 * g.padding.1)). Kernel size: (\(g.dilation.0 * (kh - 1) + 1) x \(g.dilation.1 * (kw - 1) + 1)). Kernel size can't be greater than actual input size"
            )
        }
        let spatial = oh * ow
        let kRows = c * kh * kw
        let ocg = oc / groups
        let kg = cg * kh * kw
        var out = Tensor.zeros([n, oc, oh, ow])

        let pointwise = kh == 1 && kw == 1 && g.stride == (1, 1) && g.padding == (0, 0)
        // Images are unfolded in chunks of about 4096 output columns: large feature maps go one
        // image at a time (the unfolded matrix stays cache-sized and the GEMM writes straight into
        // the output), small late-stage maps are batched so the GEMM still gets wide matrices.
        let chunk = max(1, min(n, 4096 / max(1, spatial)))
        input.storage.withUnsafeBufferPointer { src in
            weight.storage.withUnsafeBufferPointer { wt in
                out.storage.withUnsafeMutableBufferPointer { dst in
                    let x = src.baseAddress!, wp = wt.baseAddress!, y = dst.baseAddress!
                    let unfolded = UnsafeMutablePointer<Float>.allocate(capacity: pointwise && chunk == 1 ? 0 : kRows * chunk * spatial)
                    defer { unfolded.deallocate() }
                    let staged = UnsafeMutablePointer<Float>.allocate(capacity: chunk == 1 ? 0 : oc * chunk * spatial)
                    defer { staged.deallocate() }
                    for first in stride(from: 0, to: n, by: chunk) {
                        let images = min(chunk, n - first)
                        let columns = images * spatial
                        let image = x + first * c * h * w
                        // A pointwise conv on one image uses the input as it is.
                        let col: UnsafePointer<Float>
                        if pointwise && images == 1 {
                            col = image
                        } else {
                            Im2col.unfold(image, n: images, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, g, into: unfolded)
                            col = UnsafePointer(unfolded)
                        }
                        // One image: [OC, OH·OW] straight into the output; several: [OC, images·OH·OW], regrouped.
                        let target = images == 1 ? y + first * oc * spatial : staged
                        for group in 0..<groups {
                            GEMM.sgemm(
                                m: ocg, n: columns, k: kg,
                                a: wp + group * ocg * kg, lda: kg,
                                b: col + group * kg * columns, ldb: columns,
                                c: target + group * ocg * columns, ldc: columns)
                        }
                        if images > 1 {
                            Parallel.forEach(images, work: oc * spatial) { i in
                                for o in 0..<oc {
                                    (y + ((first + i) * oc + o) * spatial).update(from: staged + o * columns + i * spatial, count: spatial)
                                }
                            }
                        }
                    }
                }
            }
        }
        if let bias { out.addChannelBias(bias) }
        return out
    }

    /// Adds `bias[c]` to every element of channel `c` (dimension 1).
    mutating func addChannelBias(_ bias: Tensor) {
        let channels = shape[1]
        let inner = count / (shape[0] * channels)
        let outer = shape[0]
        storage.withUnsafeMutableBufferPointer { y in
            bias.storage.withUnsafeBufferPointer { b in
                for i in 0..<outer {
                    for ch in 0..<channels {
                        let base = (i * channels + ch) * inner
                        let v = b[ch]
                        for j in 0..<inner { y[base + j] += v }
                    }
                }
            }
        }
    }
}
