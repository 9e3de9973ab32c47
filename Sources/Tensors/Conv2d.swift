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

    /// Whether the fast paths compute this convolution as one GEMM with a single kernel tap: 1×1
    /// maps in and out (a 28×28 image's last stage), where only the tap at the padding offset
    /// meets the input and every other one only padding.
    func seesOneTap(input: (Int, Int), output: (Int, Int)) -> Bool {
        ExecutionOptions.current.fastPaths && input == (1, 1) && output == (1, 1) && groups == 1 && dilation == (1, 1)
            && padding.0 < kernel.0 && padding.1 < kernel.1
    }

    /// Output size along one axis, PyTorch's formula.
    static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
    }
}

/// How a convolution is computed. All give the same result up to float rounding.
public enum ConvAlgorithm: Sendable, Equatable, CustomStringConvertible {
    /// The fastest applicable one for the input's shape (see `ConvKernel.algorithm(for:)`).
    case automatic
    /// Unfold windows into a matrix (im2col) and multiply by the weights: any geometry.
    case im2col
    /// Winograd's minimal filtering: 3×3, stride 1, no dilation, one group.
    case winograd(Winograd)

    public var description: String {
        switch self {
        case .automatic: "automatic"
        case .im2col: "im2col"
        case .winograd(let v): "winograd F(\(v.m)×\(v.m),3×3)"
        }
    }
}

/// What a fused convolution does after adding the bias, in the same pass over its output:
/// add a residual tensor of the output's shape, then clamp at zero.
public struct ConvEpilogue: Sendable {
    public var residual: Tensor?
    public var relu: Bool
    public init(residual: Tensor? = nil, relu: Bool = false) {
        self.residual = residual
        self.relu = relu
    }
    public static let none = ConvEpilogue()
}

/// A convolution's weights, checked once and prepared for repeated use: the Winograd transform of
/// the weights is computed on first use and kept (a layer keeps its kernel while its weights stay
/// the same). An optional per-output-channel `scale` multiplies the convolution before the bias —
/// an eval-mode batch norm folded in without copying the weights: im2col applies it in its output
/// pass, Winograd multiplies it into the transformed weights. Not thread-safe: one model runs on
/// one thread at a time; its kernels spread the work.
public final class ConvKernel {
    public let weight: Tensor
    public let scale: Tensor?
    public let bias: Tensor?
    public let geometry: ConvGeometry
    private var transformed: [Winograd: [Float]] = [:]

    public init(weight: Tensor, scale: Tensor? = nil, bias: Tensor?, _ g: ConvGeometry) throws(TensorError) {
        guard weight.rank == 4 else { throw TensorError("conv2d weight must be 4-D, got \(Tensor.describe(weight.shape))") }
        guard g.groups >= 1, weight.shape[0] % g.groups == 0 else { throw TensorError("out_channels must be divisible by groups") }
        for (name, t) in [("bias", bias), ("scale", scale)] {
            if let t, t.shape != [weight.shape[0]] {
                throw TensorError("conv2d \(name) must have shape [\(weight.shape[0])], got \(Tensor.describe(t.shape))")
            }
        }
        self.weight = weight
        self.scale = scale
        self.bias = bias
        geometry = g
    }

    /// The algorithm `.automatic` picks for an input shape `[N, C, H, W]`. Winograd needs a 3×3
    /// stride-1 layer with at least 8 input channels. From eight images on, the variant with fewer
    /// transformed values (α² per tile, all images) wins: F(4×4) on maps from 3×3 up, F(2×2) on
    /// 2×2. Below eight images (a tile row per vector, so narrow maps waste lanes), counting the
    /// tiles of the whole batch: F(4×4) on maps from 24×24 up with at least 128 tiles of 4×4,
    /// F(2×2) with at least 16 tiles of 2×2 (a 7×7 map of one image), else im2col. The thresholds come from `learnerlens bench --op conv` and `--stages` on the
    /// ResNet stage shapes (docs/performance.md).
    public func algorithm(for inputShape: [Int]) -> ConvAlgorithm {
        guard inputShape.count == 4 else { return .im2col }
        let out = outputShape(for: inputShape)
        return Winograd.variant(for: geometry, inputChannels: inputShape[1], output: (out[0], out[2], out[3])).map { .winograd($0) } ?? .im2col
    }

    /// The output shape for a `[N, C, H, W]` input (not checked: the call checks).
    public func outputShape(for inputShape: [Int]) -> [Int] {
        guard inputShape.count == 4 else { return [] }
        let g = geometry
        return [
            inputShape[0], weight.shape[0],
            ConvGeometry.outputSize(inputShape[2], kernel: g.kernel.0, stride: g.stride.0, padding: g.padding.0, dilation: g.dilation.0),
            ConvGeometry.outputSize(inputShape[3], kernel: g.kernel.1, stride: g.stride.1, padding: g.padding.1, dilation: g.dilation.1),
        ]
    }

    /// `F.conv2d(input, weight, bias, …)`, then the epilogue.
    public func callAsFunction(
        _ input: Tensor, epilogue: ConvEpilogue = .none, algorithm: ConvAlgorithm = .automatic
    ) throws(TensorError) -> Tensor {
        let g = geometry
        guard input.rank == 4 else {
            throw TensorError(
                "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: \(Tensor.describe(input.shape))")
        }
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oc, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        guard cg * g.groups == c else {
            throw TensorError(
                "Given groups=\(g.groups), weight of size \(Tensor.describe(weight.shape)), expected input\(Tensor.describe(input.shape)) to have \(cg * g.groups) channels, but got \(c) channels instead"
            )
        }
        let shape = outputShape(for: input.shape)
        let (oh, ow) = (shape[2], shape[3])
        guard oh > 0, ow > 0 else {
            throw TensorError(
                "Calculated padded input size per channel: (\(h + 2 * g.padding.0) x \(w + 2 * g.padding.1)). Kernel size: (\(g.dilation.0 * (kh - 1) + 1) x \(g.dilation.1 * (kw - 1) + 1)). Kernel size can't be greater than actual input size"
            )
        }
        if let residual = epilogue.residual, residual.shape != shape {
            throw TensorError(
                "The size of tensor a (\(Tensor.describe(shape))) must match the size of tensor b (\(Tensor.describe(residual.shape)))")
        }
        var chosen = algorithm == .automatic ? self.algorithm(for: input.shape) : algorithm
        if case .winograd = chosen, !Winograd.applies(to: g) { chosen = .im2col }

        // A 1×1 map in and out (a 28×28 image's last stage) sees one tap of the kernel, the one at
        // the padding offset; the others only ever meet padding. A plain GEMM with that tap's
        // weights gives the same sums without the zeros (3×3: a ninth of the work).
        let tap = g.padding.0 * kw + g.padding.1
        let singleTap = algorithm == .automatic && g.seesOneTap(input: (h, w), output: (oh, ow))
        var out = Tensor(uninitialized: shape)
        let zeros = [Float](repeating: 0, count: oc)
        input.storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                (bias?.storage ?? zeros).withUnsafeBufferPointer { b in
                    (scale?.storage ?? zeros).withUnsafeBufferPointer { sc in
                        (epilogue.residual?.storage ?? zeros).withUnsafeBufferPointer { r in
                            let x = src.baseAddress!, y = dst.baseAddress!
                            // (Empty arrays may still have a base address: go by the optionals.)
                            var pass = OutputPass(
                                scale: scale == nil ? nil : sc.baseAddress, bias: bias == nil ? nil : b.baseAddress,
                                residual: epilogue.residual == nil ? nil : r.baseAddress, relu: epilogue.relu,
                                planeSize: oh * ow, channels: oc)
                            if singleTap {
                                weight.storage.withUnsafeBufferPointer { wt in
                                    Self.singleTapConvolve(
                                        x, n: n, c: c, weight: wt.baseAddress!, oc: oc, taps: kh * kw, tap: tap, into: y, finishing: pass)
                                }
                                return
                            }
                            switch chosen {
                            case .winograd(let variant):
                                // The scale is in the transformed weights; the output transform
                                // finishes each row as it writes it.
                                pass.scale = nil
                                winogradWeights(variant).withUnsafeBufferPointer { up in
                                    variant.convolve(
                                        x, n: n, c: c, h: h, w: w, padding: g.padding, u: up.baseAddress!, outChannels: oc,
                                        into: y, oh: oh, ow: ow, finishing: pass)
                                }
                            case .im2col, .automatic:
                                weight.storage.withUnsafeBufferPointer { wt in
                                    Self.im2colConvolve(
                                        x, n: n, c: c, h: h, w: w, weight: wt.baseAddress!, oc: oc, kh: kh, kw: kw, g, into: y,
                                        oh: oh, ow: ow, finishing: pass)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The Winograd-transformed weights, computed on first use; only the latest variant is kept
    /// (each costs 16/9 or 36/9 of the weights' memory).
    func winogradWeights(_ variant: Winograd) -> [Float] {
        if let u = transformed[variant] { return u }
        let u = weight.storage.withUnsafeBufferPointer { wt in
            variant.transformWeights(wt.baseAddress!, outChannels: weight.shape[0], inChannels: weight.shape[1], scale: scale?.storage)
        }
        transformed = [variant: u]
        return u
    }

    /// A convolution of 1×1 maps that sees only kernel tap `tap`: `y[N, OC] = x[N, C] · W_tapᵀ`,
    /// then the output pass on every (image, channel).
    private static func singleTapConvolve(
        _ x: UnsafePointer<Float>, n: Int, c: Int, weight wp: UnsafePointer<Float>, oc: Int, taps: Int, tap: Int,
        into y: UnsafeMutablePointer<Float>, finishing pass: OutputPass
    ) {
        Workspace.withBuffer(oc * c) { wTap in
            for o in 0..<oc { for ci in 0..<c { wTap[o * c + ci] = wp[(o * c + ci) * taps + tap] } }
            GEMM.parallelSgemmTransposedB(m: n, n: oc, k: c, a: x, b: wTap, c: y)
        }
        if !pass.isIdentity { for plane in 0..<(n * oc) { pass.finish(y, plane: plane, from: 0, count: 1) } }
    }

    /// im2col + GEMM into `y` (`[N, OC, OH, OW]`, fully overwritten), then the output pass.
    ///
    /// Large maps with few input rows per output (a stem) go in blocks of output rows, a run of
    /// blocks per thread: each block is unfolded into the thread's own buffer of about 256 KB (half
    /// this machine kind's L2), multiplied straight into its rows of the output, and finished while
    /// they are in cache. Other batches of large maps go one image per thread, unfolded into the
    /// thread's own buffer (a pointwise stride-1 conv needs none: the image already is the matrix).
    /// One image, or small late-stage maps, go in chunks of about 4096 output columns, unfolded
    /// together so the GEMM still gets wide matrices, the GEMM cut into slices across threads.
    private static func im2colConvolve(
        _ x: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, weight wp: UnsafePointer<Float>, oc: Int, kh: Int, kw: Int,
        _ g: ConvGeometry, into y: UnsafeMutablePointer<Float>, oh: Int, ow: Int, finishing pass: OutputPass
    ) {
        let spatial = oh * ow
        let kRows = c * kh * kw
        let pointwise = kh == 1 && kw == 1 && g.stride == (1, 1) && g.padding == (0, 0)
        // Blocks of output rows whose unfolding fits in about 256 KB and still makes a GEMM at least
        // 256 columns wide (convolutions with few input rows per output, like a stem's); otherwise,
        // for a batch of large maps, whole images — from narrower maps on for a pointwise stride-1
        // conv, which needs no copy per image.
        let fitting = max(1, min(oh, 65_536 / (kRows * ow)))
        let rowsPerBlock: Int
        if !pointwise && spatial >= 512 && fitting * ow >= 256 {
            rowsPerBlock = fitting
        } else if n > 1 && ExecutionOptions.current.threads > 1 && spatial >= (pointwise ? 128 : 512) {
            rowsPerBlock = oh
        } else {
            rowsPerBlock = 0
        }
        if rowsPerBlock > 0 {
            let blocks = (oh + rowsPerBlock - 1) / rowsPerBlock
            Parallel.ranges(n * blocks) { tasks in
                Workspace.withBuffer(pointwise ? 0 : kRows * rowsPerBlock * ow) { unfolded in
                    for task in tasks {
                        let (i, block) = task.quotientAndRemainder(dividingBy: blocks)
                        let rows = (block * rowsPerBlock)..<min(oh, (block + 1) * rowsPerBlock)
                        let columns = rows.count * ow, offset = rows.lowerBound * ow
                        let image = x + i * c * h * w
                        if !pointwise {  // (a pointwise conv's block is always the whole image)
                            Im2col.unfold(
                                image, n: 1, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, rows: rows, g, into: unfolded,
                                parallel: false)
                        }
                        multiply(
                            wp, pointwise ? image : UnsafePointer(unfolded), oc: oc, k: kRows, columns: columns, ldc: spatial,
                            groups: g.groups, into: y + i * oc * spatial + offset, parallel: false)
                        if !pass.isIdentity { for o in 0..<oc { pass.finish(y, plane: i * oc + o, from: offset, count: columns) } }
                    }
                }
            }
            return
        }
        let chunk = max(1, min(n, 4096 / max(1, spatial)))
        Workspace.withBuffer(pointwise && chunk == 1 ? 0 : kRows * chunk * spatial) { unfolded in
            Workspace.withBuffer(chunk == 1 ? 0 : oc * chunk * spatial) { staged in
                for first in stride(from: 0, to: n, by: chunk) {
                    let images = min(chunk, n - first)
                    let columns = images * spatial
                    let image = x + first * c * h * w
                    if !(pointwise && images == 1) {
                        Im2col.unfold(image, n: images, c: c, h: h, w: w, kh: kh, kw: kw, oh: oh, ow: ow, g, into: unfolded, parallel: true)
                    }
                    // One image: [OC, OH·OW] straight into the output, each GEMM slice finished in
                    // cache; several: [OC, images·OH·OW], then regrouped and finished.
                    if images == 1 {
                        multiply(
                            wp, pointwise ? image : UnsafePointer(unfolded), oc: oc, k: kRows, columns: columns, ldc: columns,
                            groups: g.groups, into: y + first * oc * spatial, parallel: true,
                            finishing: pass.isIdentity
                                ? nil
                                : { rows, range in
                                    for o in rows { pass.finish(y, plane: first * oc + o, from: range.lowerBound, count: range.count) }
                                })
                        continue
                    }
                    multiply(
                        wp, unfolded, oc: oc, k: kRows, columns: columns, ldc: columns, groups: g.groups, into: staged, parallel: true)
                    Parallel.forEach(images * oc, work: spatial) { plane in
                        let (i, o) = plane.quotientAndRemainder(dividingBy: oc)
                        let target = (first + i) * oc + o
                        (y + target * spatial).update(from: staged + o * columns + i * spatial, count: spatial)
                        if !pass.isIdentity { pass.finish(y, plane: target, from: 0, count: spatial) }
                    }
                }
            }
        }
    }

    /// `C[OC, columns] = W[OC, k] · B[k, columns]` (C's rows `ldc` apart), one GEMM per group (rows
    /// of W and B split by group). With `parallel`, `finishing(rows, columns)` gets each block of C
    /// (rows counted over all groups) right after a GEMM slice wrote it.
    private static func multiply(
        _ wp: UnsafePointer<Float>, _ b: UnsafePointer<Float>, oc: Int, k: Int, columns: Int, ldc: Int, groups: Int,
        into target: UnsafeMutablePointer<Float>, parallel: Bool, finishing: ((Range<Int>, Range<Int>) -> Void)? = nil
    ) {
        let ocg = oc / groups, kg = k / groups
        for group in 0..<groups {
            let (a, bg, cg) = (wp + group * ocg * kg, b + group * kg * columns, target + group * ocg * ldc)
            if parallel {
                let first = group * ocg
                GEMM.parallelSgemm(
                    m: ocg, n: columns, k: kg, a: a, lda: kg, b: bg, ldb: columns, c: cg, ldc: ldc,
                    finishing: finishing.map { finish in { rows, range in finish((first + rows.lowerBound)..<(first + rows.upperBound), range) } })
            } else {
                GEMM.sgemm(m: ocg, n: columns, k: kg, a: a, lda: kg, b: bg, ldb: columns, c: cg, ldc: ldc)
            }
        }
    }
}

extension Tensor {
    /// `F.conv2d(input, weight, bias, stride, padding, dilation, groups)`.
    public static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor? = nil, _ g: ConvGeometry, algorithm: ConvAlgorithm = .automatic
    ) throws(TensorError) -> Tensor {
        let kernel = try ConvKernel(weight: weight, bias: bias, g)
        guard Tape.current != nil else { return try kernel(input, algorithm: algorithm) }
        return try kernel(input, weight: weight, bias: bias)
    }

    /// A tensor whose elements are about to be overwritten (skips the zero fill).
    init(uninitialized shape: [Int]) {
        let count = Tensor.count(of: shape)
        self.init(shape: shape, storage: [Float](unsafeUninitializedCapacity: count) { _, n in n = count })
    }
}

/// The epilogue as raw pointers, applied by the kernels to their output while it is in cache:
/// `y = y · scale[c] + bias[c]` (or `y + bias[c]`), `+ residual`, then ReLU (keeping NaN, like
/// `torch.relu`).
struct OutputPass {
    var scale: UnsafePointer<Float>?
    let bias: UnsafePointer<Float>?
    let residual: UnsafePointer<Float>?
    let relu: Bool
    /// Elements per (image, channel) plane, and channels per image.
    let planeSize: Int, channels: Int

    var isIdentity: Bool { scale == nil && bias == nil && residual == nil && !relu }

    /// Finishes `count` outputs of plane `plane` (image · channels + channel) from offset `from`.
    @inline(__always)
    func finish(_ y: UnsafeMutablePointer<Float>, plane: Int, from: Int, count: Int) {
        let start = plane * planeSize + from
        let row = y + start
        let b = bias?[plane % channels] ?? 0
        if let scale {
            // A folded batch norm: x · scale + shift, in the order BatchNorm computes it.
            let sv = scale[plane % channels]
            for j in 0..<count { row[j] = row[j] * sv + b }
            if let residual {
                let res = residual + start
                for j in 0..<count { row[j] += res[j] }
            }
        } else if let residual {
            let res = residual + start
            for j in 0..<count { row[j] = (row[j] + b) + res[j] }
        } else if bias != nil {
            for j in 0..<count { row[j] += b }
        }
        if relu {
            for j in 0..<count {
                let v = row[j]
                row[j] = v > 0 || v != v ? v : 0
            }
        }
    }
}
