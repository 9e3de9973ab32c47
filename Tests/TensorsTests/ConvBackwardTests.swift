import Testing

@testable import Tensors

/// The convolution backward's fast paths against naive double-precision loops: Winograd's backward
/// for 3×3 stride-1 layers (one lane per tile below eight images, one per image from eight on),
/// other stride-1 input gradients through the forward kernels on turned weights, col2im for
/// strided layers, the single-tap GEMMs on 1×1 maps, and the im2col weight gradient by image
/// partials (one thread) and by batch chunks (two threads, one chunk or several).
@Suite struct ConvBackwardTests {
    /// `(name, geometry, batch, in channels, out channels, map side)`.
    static let cases: [(String, ConvGeometry, Int, Int, Int, Int)] = [
        ("3x3 s1 im2col", ConvGeometry(kernel: (3, 3), padding: (1, 1)), 3, 4, 5, 5),
        ("3x3 s1 Winograd F(2x2)", ConvGeometry(kernel: (3, 3), padding: (1, 1)), 2, 16, 12, 10),
        ("3x3 s1 Winograd F(4x4)", ConvGeometry(kernel: (3, 3), padding: (1, 1)), 4, 8, 16, 24),
        // Eight images or more: both gradients through Winograd, one lane per image (a full group
        // and a short one), padding 1 and 0.
        ("3x3 s1 Winograd F(4x4) on 7x7, 11 images", ConvGeometry(kernel: (3, 3), padding: (1, 1)), 11, 8, 6, 7),
        ("3x3 s1 Winograd F(2x2) on 2x2, 11 images", ConvGeometry(kernel: (3, 3), padding: (1, 1)), 11, 8, 6, 2),
        ("3x3 s1 Winograd F(4x4), 9 images", ConvGeometry(kernel: (3, 3), padding: (1, 1)), 9, 8, 5, 24),
        ("3x3 s1 p0 Winograd F(4x4), 10 images", ConvGeometry(kernel: (3, 3)), 10, 12, 4, 9),
        ("3x3 s2", ConvGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), 5, 6, 8, 7),
        ("1x1 s1", ConvGeometry(kernel: (1, 1)), 3, 8, 4, 6),
        ("1x1 s2", ConvGeometry(kernel: (1, 1), stride: (2, 2)), 3, 8, 4, 7),
        ("7x7 s2 p3", ConvGeometry(kernel: (7, 7), stride: (2, 2), padding: (3, 3)), 2, 3, 4, 12),
        ("3x3 s1 p0", ConvGeometry(kernel: (3, 3)), 2, 4, 3, 6),
        ("3x3 s1 p1 on 1x1 maps (one tap)", ConvGeometry(kernel: (3, 3), padding: (1, 1)), 6, 8, 5, 1),
        ("3x3 s2 p1 on 1x1 maps (one tap)", ConvGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), 3, 4, 6, 1),
        // Dilated: the tap that meets a 1×1 input is the centre one, not the one at the padding offset.
        ("3x3 d2 p2 on 1x1 maps", ConvGeometry(kernel: (3, 3), padding: (2, 2), dilation: (2, 2)), 3, 4, 5, 1),
    ]

    /// dX and dW by definition, in double precision.
    static func naive(_ dy: Tensor, _ x: Tensor, _ w: Tensor, _ g: ConvGeometry) -> (dx: [Double], dw: [Double]) {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oc, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        for i in 0..<n {
            for o in 0..<oc {
                for r in 0..<oh {
                    for q in 0..<ow {
                        let gv = Double(dy.storage[((i * oc + o) * oh + r) * ow + q])
                        for ci in 0..<c {
                            for a in 0..<kh {
                                for b in 0..<kw {
                                    let ih = r * g.stride.0 - g.padding.0 + a * g.dilation.0
                                    let iw = q * g.stride.1 - g.padding.1 + b * g.dilation.1
                                    guard ih >= 0, ih < h, iw >= 0, iw < wd else { continue }
                                    let xi = ((i * c + ci) * h + ih) * wd + iw, wi = ((o * c + ci) * kh + a) * kw + b
                                    dx[xi] += gv * Double(w.storage[wi])
                                    dw[wi] += gv * Double(x.storage[xi])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dw)
    }

    static func maxRelative(_ a: Tensor, _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(a.storage, b).map { abs(Double($0) - $1) }.max()! / scale
    }

    @Test(arguments: cases.indices)
    func gradientsMatchNaiveLoops(_ index: Int) throws {
        let (_, g, n, c, oc, size) = Self.cases[index]
        let x = randomTensor([n, c, size, size], seed: 1), w = randomTensor([oc, c, g.kernel.0, g.kernel.1], seed: 2)
        let kernel = try ConvKernel(weight: w, bias: nil, g)
        let dy = randomTensor(kernel.outputShape(for: x.shape), seed: 3)
        let (dx, dw) = Self.naive(dy, x, w, g)
        for options in [ExecutionOptions(threads: 1), ExecutionOptions(threads: 2), ExecutionOptions(fastPaths: false, threads: 2)] {
            let grads = options.run {
                Tensor.conv2dBackward(dy, input: x, inputShape: x.shape, weight: w, g, needs: [true, true])
            }
            let (gx, gw) = (try #require(grads[0]), try #require(grads[1]))
            // Winograd F(4×4) divides by 6 and 24: its rounding is the largest.
            #expect(Self.maxRelative(gx, dx) <= 2e-5, "\(Self.cases[index].0) input gradient, \(options)")
            // Winograd's weight gradient sums F(4×4)'s transformed products over every tile.
            #expect(Self.maxRelative(gw, dw) <= 2e-5, "\(Self.cases[index].0) weight gradient, \(options)")
        }
        // Several chunks of the batch, accumulated in order.
        let chunked = ExecutionOptions(threads: 2).run {
            Tensor.batchWeightGradient(dy, input: x, weightShape: w.shape, g, limit: c * g.kernel.0 * g.kernel.1 * dy.shape[2] * dy.shape[3])
        }
        #expect(Self.maxRelative(chunked, dw) <= 2e-6)
    }

    /// Winograd's weight gradient on maps that are not whole tiles, with and without padding, in
    /// one chunk of images and in several accumulated in order.
    /// Five images go one lane per tile, eleven one lane per image (a full group and a short one).
    @Test(arguments: [
        (Winograd.f2, 0, 7, 2048, 5), (Winograd.f2, 1, 9, 2048, 5), (Winograd.f4, 1, 13, 2048, 5), (Winograd.f4, 2, 10, 2048, 5),
        (Winograd.f2, 1, 7, 20, 5), (Winograd.f4, 0, 26, 40, 5),
        (Winograd.f2, 1, 7, 2048, 11), (Winograd.f4, 2, 10, 2048, 11), (Winograd.f2, 0, 9, 160, 11),
    ])
    func winogradWeightGradientMatchesNaiveLoops(variant: Winograd, padding: Int, size: Int, tilesPerChunk: Int, n: Int) throws {
        let g = ConvGeometry(kernel: (3, 3), padding: (padding, padding))
        let x = randomTensor([n, 8, size, size], seed: 1), w = randomTensor([6, 8, 3, 3], seed: 2)
        let kernel = try ConvKernel(weight: w, bias: nil, g)
        let dy = randomTensor(kernel.outputShape(for: x.shape), seed: 3)
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        var dw = Tensor.zeros(w.shape)
        for threads in [1, 2] {
            ExecutionOptions(threads: threads).run {
                x.storage.withUnsafeBufferPointer { xb in
                    dy.storage.withUnsafeBufferPointer { dyb in
                        dw.storage.withUnsafeMutableBufferPointer { out in
                            variant.backward(
                                input: xb.baseAddress!, n: n, c: 8, h: size, w: size, padding: g.padding, outputGradient: dyb.baseAddress!,
                                outChannels: 6, oh: oh, ow: ow, weights: nil, inputGradient: nil, weightGradient: out.baseAddress!,
                                tilesPerChunk: tilesPerChunk)
                        }
                    }
                }
            }
            #expect(Self.maxRelative(dw, Self.naive(dy, x, w, g).dw) <= 2e-5, "\(variant) \(size)×\(size) p\(padding), \(threads) threads")
        }
    }

    /// On a tape, the input gradient of a batch of eight or more takes the forward kernel's own
    /// transformed weights (F(4×4) on 7×7 maps, F(2×2) on 2×2).
    @Test(arguments: [7, 2])
    func theTapeLendsTheForwardKernelsTransformedWeights(_ side: Int) throws {
        let g = ConvGeometry(kernel: (3, 3), padding: (1, 1))
        let x = randomTensor([9, 8, side, side], seed: 1), w = randomTensor([6, 8, 3, 3], seed: 2)
        let dy = randomTensor([9, 6, side, side], seed: 3)
        let (_, grads) = try tapeGradients([x, w], seed: dy) { t in try Tensor.conv2d(t[0], weight: t[1], g) }
        let (dx, dw) = Self.naive(dy, x, w, g)
        #expect(Self.maxRelative(try #require(grads[0]), dx) <= 2e-5)
        #expect(Self.maxRelative(try #require(grads[1]), dw) <= 2e-5)
    }

    /// One buffer serves the input transform and its adjoint: after an adjoint has added into the
    /// padded border, the next input transform still sees a zero border.
    @Test func anAdjointLeavesNoTraceInTheNextInputTransform() {
        let (h, w) = (5, 5), tiles = 9, a2 = 16  // F(2×2) on 5×5 maps, padding 1: 3×3 tiles of 4×4
        let planes = randomTensor([8, h, w], seed: 1).storage, dv = randomTensor([a2 * tiles * 8 + 8], seed: 2).storage
        func transform(_ scratch: ImageLaneInput<WinogradF2>) -> [Float] {
            var out = [Float](repeating: 0, count: a2 * tiles * 8)
            planes.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { o in
                    scratch.transform({ p.baseAddress! + $0 * h * w }, lanes: 8, into: o.baseAddress!, tileStride: 8, positionStride: tiles * 8)
                }
            }
            return out
        }
        let used = ImageLaneInput<WinogradF2>(h: h, w: w, tilesY: 3, tilesX: 3, padding: (1, 1))
        var gradient = [Float](repeating: 0, count: 8 * h * w)
        dv.withUnsafeBufferPointer { d in
            gradient.withUnsafeMutableBufferPointer { g in
                used.transformAdjoint(d.baseAddress!, tileStride: 8, positionStride: tiles * 8, lanes: 8, into: { g.baseAddress! + $0 * h * w })
            }
        }
        #expect(gradient.contains { $0 != 0 })
        #expect(transform(used) == transform(ImageLaneInput<WinogradF2>(h: h, w: w, tilesY: 3, tilesX: 3, padding: (1, 1))))
    }

    @Test func theWeightGradientTakesTheForwardPassesVariant() throws {
        let g = ConvGeometry(kernel: (3, 3), padding: (1, 1))
        #expect(Winograd.variant(for: g, inputChannels: 16, output: (8, 28, 28)) == .f4)
        #expect(Winograd.variant(for: g, inputChannels: 16, output: (64, 7, 7)) == .f4)
        #expect(Winograd.variant(for: g, inputChannels: 16, output: (64, 2, 2)) == .f2)
        #expect(Winograd.variant(for: g, inputChannels: 16, output: (4, 7, 7)) == .f2)
        #expect(Winograd.variant(for: g, inputChannels: 4, output: (64, 7, 7)) == nil)
        #expect(Winograd.variant(for: ConvGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), inputChannels: 16, output: (8, 28, 28)) == nil)
        #expect(ExecutionOptions.reference.run { Winograd.variant(for: g, inputChannels: 16, output: (8, 28, 28)) } == nil)
    }

    @Test func oneTapForwardEqualsIm2col() throws {
        let x = randomTensor([5, 12, 1, 1], seed: 1), w = randomTensor([7, 12, 3, 3], seed: 2), b = randomTensor([7], seed: 3)
        let kernel = try ConvKernel(weight: w, scale: randomTensor([7], seed: 4), bias: b, ConvGeometry(kernel: (3, 3), padding: (1, 1)))
        let fast = try kernel(x, epilogue: ConvEpilogue(relu: true)),
            reference = try kernel(x, epilogue: ConvEpilogue(relu: true), algorithm: .im2col)
        #expect(fast.maxRelativeDifference(from: reference) <= 1e-6)
    }

    @Test func dilatedOneByOneForwardEqualsIm2col() throws {
        let x = randomTensor([3, 4, 1, 1], seed: 1), w = randomTensor([5, 4, 3, 3], seed: 2)
        let kernel = try ConvKernel(weight: w, bias: nil, ConvGeometry(kernel: (3, 3), padding: (2, 2), dilation: (2, 2)))
        #expect(try kernel(x).maxRelativeDifference(from: try kernel(x, algorithm: .im2col)) <= 1e-6)
        // The centre tap alone meets the input.
        #expect(abs(try kernel(x)[1, 2, 0, 0] - (0..<4).map { w[2, $0, 1, 1] * x[1, $0, 0, 0] }.reduce(0, +)) < 1e-5)
    }

    @Test func winogradIsWhatTheInputGradientUses() throws {
        let w = randomTensor([12, 16, 3, 3], seed: 2)
        let turned = try ConvKernel(weight: w.turnedAndTransposed(), bias: nil, ConvGeometry(kernel: (3, 3), padding: (1, 1)))
        #expect(turned.algorithm(for: [2, 12, 10, 10]) == .winograd(.f2))
        #expect(w.turnedAndTransposed().shape == [16, 12, 3, 3])
        #expect(w.turnedAndTransposed()[3, 5, 0, 0] == w[5, 3, 2, 2])
    }
}
