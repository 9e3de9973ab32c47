import Testing

@testable import Tensors

/// The fast convolution paths — Winograd F(2×2) and F(4×4), the fused epilogue, the automatic
/// choice — against the naive loops and against im2col.
@Suite struct FastConvTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        var n: Int, c: Int, oc: Int, h: Int, w: Int, padding: Int
        var testDescription: String { "\(n)×\(c)×\(h)×\(w) → \(oc), padding \(padding)" }
    }

    /// Maps whose sides are and are not multiples of the tile, padding 0–2, one and several images,
    /// the ResNet stage shapes scaled down in channels, and tile rows longer than one vector.
    static let shapes: [Shape] = [
        Shape(n: 1, c: 3, oc: 4, h: 9, w: 9, padding: 1),
        Shape(n: 2, c: 5, oc: 3, h: 8, w: 8, padding: 1),
        Shape(n: 1, c: 4, oc: 6, h: 7, w: 11, padding: 0),
        Shape(n: 3, c: 2, oc: 2, h: 5, w: 6, padding: 2),
        Shape(n: 1, c: 8, oc: 8, h: 3, w: 3, padding: 1),
        Shape(n: 1, c: 1, oc: 1, h: 3, w: 3, padding: 0),
        Shape(n: 2, c: 16, oc: 16, h: 56, w: 56, padding: 1),
        Shape(n: 4, c: 32, oc: 32, h: 14, w: 14, padding: 1),
        Shape(n: 8, c: 64, oc: 64, h: 7, w: 7, padding: 1),
        // Tile rows of 9–18 tiles: two or three vectors of eight, the last one partly past the edge.
        Shape(n: 2, c: 3, oc: 5, h: 20, w: 37, padding: 0),
        // Eight images or more go one per lane: a full group and a short one, padding 0–2.
        Shape(n: 11, c: 3, oc: 5, h: 9, w: 7, padding: 1),
        Shape(n: 10, c: 2, oc: 3, h: 6, w: 10, padding: 2),
        Shape(n: 9, c: 4, oc: 2, h: 26, w: 26, padding: 0),
    ]

    static func inputs(_ s: Shape, bias: Bool = true) -> (Tensor, Tensor, Tensor?, ConvGeometry) {
        var g = RandomGenerator(seed: UInt64(s.h * 31 + s.c))
        let x = Tensor.normal([s.n, s.c, s.h, s.w], generator: &g)
        let w = Tensor.normal([s.oc, s.c, 3, 3], generator: &g)
        let b = bias ? Tensor.normal([s.oc], generator: &g) : nil
        return (x, w, b, ConvGeometry(kernel: (3, 3), padding: (s.padding, s.padding)))
    }

    @Test(arguments: shapes, Winograd.allCases)
    func winogradMatchesNaiveLoops(_ s: Shape, _ variant: Winograd) throws {
        let (x, w, b, geometry) = Self.inputs(s)
        let fast = try Tensor.conv2d(x, weight: w, bias: b, geometry, algorithm: .winograd(variant))
        let slow = Naive.conv2d(x, w, b, geometry)
        #expect(fast.shape == slow.shape)
        // F(4×4) divides by 6 and 24 and multiplies by up to 8: a few ulps more than F(2×2).
        #expect(relativeError(fast, slow) < (variant == .f2 ? 2e-6 : 2e-5))
    }

    /// The transforms are written out by hand for speed; column j of Bᵀ (and of Aᵀ) is what they
    /// make of the j-th unit vector, in every lane.
    @Test(arguments: Winograd.allCases)
    func writtenOutTransformsAreTheMatrices(_ variant: Winograd) {
        let a = variant.alpha
        let p = UnsafeMutablePointer<TileLanes>.allocate(capacity: a)
        defer { p.deallocate() }
        let lanes = TileLanes(1, 2, 3, 4, 5, 6, 7, 8)
        for j in 0..<a {
            for i in 0..<a { p[i] = i == j ? lanes : .zero }
            variant.inputTransform(p, stride: 1)
            #expect((0..<a).allSatisfy { k in p[k] == variant.bT[k][j] * lanes })
            for i in 0..<a { p[i] = i == j ? lanes : .zero }
            variant.outputTransform(p, stride: 1)
            #expect((0..<variant.m).allSatisfy { r in p[r] == variant.aT[r][j] * lanes })
            // The adjoints, for gradients: B·e_j is row j of Bᵀ, A·e_r row r of Aᵀ.
            for i in 0..<a { p[i] = i == j ? lanes : .zero }
            variant.inputTransformAdjoint(p, stride: 1)
            #expect((0..<a).allSatisfy { k in p[k] == variant.bT[j][k] * lanes })
            if j < variant.m {
                for i in 0..<a { p[i] = i == j ? lanes : .zero }
                variant.outputTransformAdjoint(p, stride: 1)
                #expect((0..<a).allSatisfy { k in p[k] == variant.aT[j][k] * lanes })
            }
        }
    }

    @Test(arguments: Winograd.allCases)
    func winogradOfAPlantedFilterIsExact(_ variant: Winograd) throws {
        // A filter with one tap at the centre copies the input: every transform must cancel out.
        var w = Tensor.zeros([1, 1, 3, 3])
        w[0, 0, 1, 1] = 1
        let x = Tensor(shape: [1, 1, 6, 6], storage: (0..<36).map(Float.init))
        let y = try Tensor.conv2d(x, weight: w, bias: nil, ConvGeometry(kernel: (3, 3), padding: (1, 1)), algorithm: .winograd(variant))
        #expect(y.maxRelativeDifference(from: x) < 1e-6)
    }

    @Test func kernelKeepsItsWinogradWeightsAcrossCalls() throws {
        let (x, w, b, geometry) = Self.inputs(Self.shapes[1])
        let kernel = try ConvKernel(weight: w, bias: b, geometry)
        let first = try kernel(x, algorithm: .winograd(.f4))
        let second = try kernel(x, algorithm: .winograd(.f4))
        #expect(first == second)
        #expect(first.maxRelativeDifference(from: try kernel(x, algorithm: .im2col)) < 2e-5)
    }

    @Test func automaticChoiceFollowsTheGeometry() throws {
        let w = Tensor.zeros([16, 16, 3, 3])
        let same = try ConvKernel(weight: w, bias: nil, ConvGeometry(kernel: (3, 3), padding: (1, 1)))
        #expect(same.algorithm(for: [1, 16, 56, 56]) == .winograd(.f4))
        #expect(same.algorithm(for: [1, 16, 28, 28]) == .winograd(.f2))
        #expect(same.algorithm(for: [4, 16, 16, 16]) == .winograd(.f2))
        #expect(same.algorithm(for: [8, 16, 28, 28]) == .winograd(.f4))
        // Eight images: one lane per image, fewer transformed values wins.
        #expect(same.algorithm(for: [8, 16, 14, 14]) == .winograd(.f4))
        #expect(same.algorithm(for: [8, 16, 7, 7]) == .winograd(.f4))
        #expect(same.algorithm(for: [64, 16, 4, 4]) == .winograd(.f4))
        #expect(same.algorithm(for: [64, 16, 2, 2]) == .winograd(.f2))
        #expect(same.algorithm(for: [7, 16, 7, 7]) == .winograd(.f2))
        #expect(same.algorithm(for: [1, 16, 7, 7]) == .winograd(.f2))
        #expect(same.algorithm(for: [1, 16, 5, 5]) == .im2col)
        #expect(same.algorithm(for: [1, 4, 56, 56]) == .im2col)
        let strided = try ConvKernel(weight: w, bias: nil, ConvGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)))
        #expect(strided.algorithm(for: [1, 16, 56, 56]) == .im2col)
        let dilated = try ConvKernel(weight: w, bias: nil, ConvGeometry(kernel: (3, 3), padding: (2, 2), dilation: (2, 2)))
        #expect(dilated.algorithm(for: [1, 16, 56, 56]) == .im2col)
        let grouped = try ConvKernel(
            weight: .zeros([16, 8, 3, 3]), bias: nil, ConvGeometry(kernel: (3, 3), padding: (1, 1), groups: 2))
        #expect(grouped.algorithm(for: [1, 16, 56, 56]) == .im2col)
        // Winograd asked for on a geometry it cannot do falls back to im2col, with the same result.
        let x = Tensor.ones([1, 16, 9, 9])
        #expect(try strided(x, algorithm: .winograd(.f4)) == (try strided(x, algorithm: .im2col)))
    }

    /// Two images (one lane per tile) and eleven (one lane per image, the last group short).
    @Test(arguments: [ConvAlgorithm.im2col, .winograd(.f2), .winograd(.f4)], [6, 10])
    func fusedEpilogueEqualsSeparateOps(_ algorithm: ConvAlgorithm, _ shape: Int) throws {
        let (x, w, b, geometry) = Self.inputs(Self.shapes[shape])
        var g = RandomGenerator(seed: 3)
        let residual = Tensor.normal(try ConvKernel(weight: w, bias: b, geometry).outputShape(for: x.shape), generator: &g)
        let kernel = try ConvKernel(weight: w, bias: b, geometry)
        let fused = try kernel(x, epilogue: ConvEpilogue(residual: residual, relu: true), algorithm: algorithm)
        let separate = try Tensor.add(kernel(x, algorithm: algorithm), residual).relu()
        #expect(fused == separate)
        let reluOnly = try kernel(x, epilogue: ConvEpilogue(relu: true), algorithm: algorithm)
        #expect(reluOnly == (try kernel(x, algorithm: algorithm)).relu())
    }

    /// im2col's schedules: blocks of output rows (a stem: 7×7/2 from 3 channels, 32 output rows in
    /// blocks of 13, the last one short), one image per thread (3×3/2 from 64 channels, 3 images),
    /// chunks of small maps (3 images), one image whose GEMM slices finish their own blocks, and a
    /// strided 1×1 whose rows all fit one block —
    /// each against the naive loops, then with a scale, a residual and ReLU in the output pass
    /// against the same steps done separately.
    @Test(arguments: [(3, 7, 64, 3), (64, 3, 48, 3), (16, 3, 12, 3), (64, 3, 48, 1), (16, 1, 64, 1)])
    func im2colSchedulesMatchNaiveLoops(_ channels: Int, _ k: Int, _ side: Int, _ n: Int) throws {
        var g = RandomGenerator(seed: UInt64(side))
        let x = Tensor.normal([n, channels, side, side], generator: &g)
        let w = Tensor.normal([8, channels, k, k], generator: &g)
        let b = Tensor.normal([8], generator: &g)
        let geometry = ConvGeometry(kernel: (k, k), stride: (2, 2), padding: (k / 2, k / 2))
        let y = try Tensor.conv2d(x, weight: w, bias: b, geometry, algorithm: .im2col)
        #expect(y.maxRelativeDifference(from: Naive.conv2d(x, w, b, geometry)) < 2e-6)
        let scale = Tensor.normal([8], generator: &g), residual = Tensor.normal(y.shape, generator: &g)
        let fused = try ConvKernel(weight: w, scale: scale, bias: b, geometry)(
            x, epilogue: ConvEpilogue(residual: residual, relu: true), algorithm: .im2col)
        var expected = try Tensor.conv2d(x, weight: w, bias: nil, geometry, algorithm: .im2col)
        let plane = y.shape[2] * y.shape[3]
        for i in expected.storage.indices {
            let ch = (i / plane) % 8
            expected.storage[i] = max(0, expected.storage[i] * scale.storage[ch] + b.storage[ch] + residual.storage[i])
        }
        #expect(fused.maxRelativeDifference(from: expected) < 2e-6)
    }

    @Test(arguments: [ConvAlgorithm.im2col, .winograd(.f2), .winograd(.f4)])
    func scaleIsABatchNormFoldedIn(_ algorithm: ConvAlgorithm) throws {
        let (x, w, b, geometry) = Self.inputs(Self.shapes[7])
        var g = RandomGenerator(seed: 8)
        let scale = Tensor((0..<32).map { _ in Float(g.nextUniform()) * 2 - 0.5 })
        let folded = try ConvKernel(weight: w, scale: scale, bias: b, geometry)(x, algorithm: algorithm)
        // The same as the plain convolution followed by y · scale[c] + bias[c].
        var expected = try Tensor.conv2d(x, weight: w, bias: nil, geometry, algorithm: .im2col)
        let plane = 14 * 14
        for i in expected.storage.indices {
            let ch = (i / plane) % 32
            expected.storage[i] = expected.storage[i] * scale.storage[ch] + b!.storage[ch]
        }
        #expect(folded.maxRelativeDifference(from: expected) < (algorithm == .winograd(.f4) ? 2e-5 : 2e-6))
        #expect(throws: TensorError("conv2d scale must have shape [32], got [3]")) {
            try ConvKernel(weight: w, scale: .ones([3]), bias: nil, geometry)
        }
    }

    @Test func epilogueRejectsAResidualOfAnotherShape() throws {
        let (x, w, b, geometry) = Self.inputs(Self.shapes[0])
        let kernel = try ConvKernel(weight: w, bias: b, geometry)
        #expect(throws: TensorError("The size of tensor a ([1, 4, 9, 9]) must match the size of tensor b ([1, 4, 8, 8])")) {
            try kernel(x, epilogue: ConvEpilogue(residual: .zeros([1, 4, 8, 8])))
        }
    }

    @Test func reluInTheEpilogueKeepsNaNLikeTorch() throws {
        let x = Tensor(shape: [1, 1, 3, 3], storage: [.nan, 1, 1, 1, 1, 1, 1, 1, -100])
        let kernel = try ConvKernel(weight: .ones([1, 1, 1, 1]), bias: nil, ConvGeometry(kernel: (1, 1)))
        let y = try kernel(x, epilogue: ConvEpilogue(relu: true))
        #expect(y.storage[0].isNaN)
        #expect(y.storage[8] == 0)
    }

    @Test(arguments: [ConvAlgorithm.im2col, .winograd(.f4)])
    func repeatedCallsAreBitIdentical(_ algorithm: ConvAlgorithm) throws {
        // Work is split across threads by planes, GEMMs and GEMM slices, never inside a sum, so
        // however the threads are scheduled the result is the same to the bit.
        let (x, w, b, geometry) = Self.inputs(Self.shapes[7])
        let kernel = try ConvKernel(weight: w, bias: b, geometry)
        let first = try kernel(x, algorithm: algorithm)
        for _ in 0..<3 { #expect(try kernel(x, algorithm: algorithm) == first) }
    }
}
