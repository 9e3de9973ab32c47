/// Winograd's minimal filtering for 3×3, stride-1 convolutions (Lavin & Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2015) — the algorithm NNPACK, ncnn and MNN use on CPUs.
///
/// F(m×m, 3×3) computes an m×m output tile from an α×α input tile (α = m + 2) with α² products
/// instead of 9m²: each tile `d` and filter `g` are transformed (`V = Bᵀ d B`, `U = G g Gᵀ`), the
/// α² transformed positions are multiplied elementwise and summed over input channels — which for
/// all tiles and channels at once is α² independent GEMMs `M_ξ = U_ξ · V_ξ` — and the result is
/// transformed back (`Y = Aᵀ M A`). F(2×2) does 2.25× fewer multiplications than direct convolution,
/// F(4×4) 4×; the transforms cost memory passes, and larger tiles round small feature maps up.
public enum Winograd: Int, Sendable, CaseIterable {
    /// F(2×2, 3×3): 4×4 input tiles, 16 GEMMs.
    case f2 = 2
    /// F(4×4, 3×3): 6×6 input tiles, 36 GEMMs; points 0, ±1, ±2, ∞.
    case f4 = 4

    /// Output tile side m.
    public var m: Int { rawValue }
    /// Input tile side α = m + 2.
    public var alpha: Int { rawValue + 2 }

    /// Bᵀ, α×α: the input transform. `inputTransform` is its rows written out for speed; a test
    /// holds the two together.
    var bT: [[Float]] {
        switch self {
        case .f2: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
        case .f4:
            [
                [4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1],
            ]
        }
    }

    /// G, α×3: the filter transform.
    var g: [[Float]] {
        switch self {
        case .f2: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        case .f4:
            [
                [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
            ]
        }
    }

    /// Aᵀ, m×α: the output transform, written out in `outputTransform` (tested against this).
    var aT: [[Float]] {
        switch self {
        case .f2: [[1, 1, 1, 0], [0, 1, -1, -1]]
        case .f4: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]
        }
    }

    /// Whether a convolution can run through Winograd: 3×3, stride 1, no dilation, one group.
    public static func applies(to g: ConvGeometry) -> Bool {
        g.kernel == (3, 3) && g.stride == (1, 1) && g.dilation == (1, 1) && g.groups == 1
    }

    /// The variant a convolution runs with (nil: im2col), the same for its forward pass and its
    /// weight gradient, from the output `(N, OH, OW)` — see `ConvKernel.algorithm(for:)`.
    static func variant(for g: ConvGeometry, inputChannels c: Int, output: (n: Int, oh: Int, ow: Int)) -> Winograd? {
        guard ExecutionOptions.current.fastPaths, applies(to: g), c >= 8 else { return nil }
        let (n, oh, ow) = output
        func tiles(_ m: Int) -> Int { n * ((oh + m - 1) / m) * ((ow + m - 1) / m) }
        // Eight images or more go one lane per image, so small maps waste no lanes: the variant with
        // fewer transformed values (α² per tile) wins — F(4×4) from 3×3 maps on, F(2×2) on 2×2.
        if n >= 8 { return 36 * tiles(4) <= 16 * tiles(2) ? .f4 : .f2 }
        if oh >= 24 && ow >= 24 && tiles(4) >= 128 { return .f4 }
        if tiles(2) >= 16 { return .f2 }
        return nil
    }

    /// `U[ξ][oc][c] = scale[oc] · (G · w[oc][c] · Gᵀ)[ξ]` for weights `[OC, C, 3, 3]`; computed
    /// once per weight tensor and kept by `ConvKernel`. For each output channel the taps are first
    /// laid out tap-major, so both products with G are vector loops over the input channels.
    func transformWeights(_ weight: UnsafePointer<Float>, outChannels oc: Int, inChannels c: Int, scale: [Float]?) -> [Float] {
        let a = alpha
        let g = Matrix(self.g)
        return [Float](unsafeUninitializedCapacity: a * a * oc * c) { u, initialized in
            let up = u.baseAddress!
            Parallel.ranges(oc) { outputs in
                let taps = UnsafeMutablePointer<Float>.allocate(capacity: 9 * c)  // [tap][c]
                let half = UnsafeMutablePointer<Float>.allocate(capacity: a * 3 * c)  // (G·w)[r][col][c]
                defer {
                    taps.deallocate()
                    half.deallocate()
                }
                for o in outputs {
                    let w = weight + o * c * 9
                    for ci in 0..<c { for t in 0..<9 { taps[t * c + ci] = w[ci * 9 + t] } }
                    // (G·w)[r][col] = Σ_i G[r][i] · w[i][col]
                    for col in 0..<3 {
                        g.apply({ i in UnsafePointer(taps + (i * 3 + col) * c) }, { r in half + (r * 3 + col) * c }, count: c)
                    }
                    // U[r·α + s] = Σ_j G[s][j] · (G·w)[r][j]
                    for r in 0..<a {
                        g.apply({ j in UnsafePointer(half + (r * 3 + j) * c) }, { s in up + ((r * a + s) * oc + o) * c }, count: c)
                    }
                    if let scale {
                        let sv = scale[o]
                        for xi in 0..<(a * a) {
                            let row = up + (xi * oc + o) * c
                            for ci in 0..<c { row[ci] *= sv }
                        }
                    }
                }
            }
            initialized = a * a * oc * c
        }
    }

    /// The convolution of `[N, C, H, W]` input with pre-transformed weights `u` into `out`
    /// (`[N, OC, OH, OW]`, fully overwritten). Padding may be any; stride and dilation are 1.
    func convolve(
        _ x: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, padding: (Int, Int),
        u: UnsafePointer<Float>, outChannels oc: Int, into out: UnsafeMutablePointer<Float>, oh: Int, ow: Int,
        finishing pass: OutputPass
    ) {
        let m = self.m, a = alpha, positions = a * a
        let tilesY = (oh + m - 1) / m, tilesX = (ow + m - 1) / m, tiles = tilesY * tilesX
        let chunk = Winograd.imagesPerChunk(n: n, tiles: tiles)
        let capacity = chunk * tiles
        Workspace.withBuffer(positions * Winograd.paddedStride(c * capacity)) { v in
            Workspace.withBuffer(positions * Winograd.paddedStride(oc * capacity) + 8) { product in  // + the output transform's overread
                convolve(
                    x, n: n, c: c, h: h, w: w, padding: padding, u: u, outChannels: oc, into: out, oh: oh, ow: ow,
                    chunk: chunk, v: v, product: product, finishing: pass)
            }
        }
    }

    /// Floats from one position's matrix to the next: one cache line more than the matrix, so that
    /// the α² rows a transform writes (or reads) side by side do not all fall into the same few
    /// cache sets, as they would a multiple of 4 KB apart.
    static func paddedStride(_ matrix: Int) -> Int { matrix + 16 }

    /// Images per chunk of a batch with `tiles` tiles per image, forward and backward: about
    /// `tilesPerChunk` tiles, wide enough GEMMs with bounded scratch memory.
    static func imagesPerChunk(n: Int, tiles: Int, tilesPerChunk: Int = 2048) -> Int {
        max(1, min(n, tilesPerChunk / tiles))
    }

    private func convolve(
        _ x: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, padding: (Int, Int),
        u: UnsafePointer<Float>, outChannels oc: Int, into out: UnsafeMutablePointer<Float>, oh: Int, ow: Int,
        chunk: Int, v: UnsafeMutablePointer<Float>, product: UnsafeMutablePointer<Float>, finishing pass: OutputPass
    ) {
        let m = self.m, positions = alpha * alpha
        let tilesY = (oh + m - 1) / m, tilesX = (ow + m - 1) / m, tiles = tilesY * tilesX
        for first in stride(from: 0, to: n, by: chunk) {
            let images = min(chunk, n - first)
            let columns = images * tiles
            let vStride = Winograd.paddedStride(c * columns), productStride = Winograd.paddedStride(oc * columns)
            // Eight images or more: one lane per image (`WinogradTiles.swift`), columns tile by
            // tile; fewer: eight neighbouring tiles of a tile row per vector, columns image by image.
            let byImages = images >= 8
            // 1. Input tiles → V[ξ][c][column].
            if byImages {
                transformInputsByImageLanes(
                    x, first: first, images: images, c: c, h: h, w: w, padding: padding, tilesY: tilesY, tilesX: tilesX, into: v,
                    positionStride: vStride)
            } else {
                transformInputsByTileRows(
                    x, first: first, images: images, c: c, h: h, w: w, padding: padding, tilesY: tilesY, tilesX: tilesX, into: v,
                    positionStride: vStride)
            }
            // 2. α² independent GEMMs: M_ξ[OC, columns] = U_ξ[OC, C] · V_ξ[C, columns].
            Parallel.forEach(positions, work: oc * c * columns) { xi in
                GEMM.sgemm(
                    m: oc, n: columns, k: c, a: u + xi * oc * c, lda: c, b: v + xi * vStride, ldb: columns,
                    c: product + xi * productStride, ldc: columns)
            }
            // 3. M → output tiles, cropped to OH×OW and finished.
            if byImages {
                transformOutputsByImageLanes(
                    product, first: first, images: images, oc: oc, tilesY: tilesY, tilesX: tilesX, positionStride: productStride, into: out,
                    oh: oh, ow: ow, finishing: pass)
            } else {
                transformOutputsByTileRows(
                    product, first: first, images: images, oc: oc, tilesY: tilesY, tilesX: tilesX, positionStride: productStride, into: out,
                    oh: oh, ow: ow, finishing: pass)
            }
        }
    }

    /// `V[ξ][c][image · tiles + tile]` for `images` images from `first` on, one (image, channel)
    /// plane per task, eight neighbouring tiles of a tile row per vector.
    func transformInputsByTileRows(
        _ x: UnsafePointer<Float>, first: Int, images: Int, c: Int, h: Int, w: Int, padding: (Int, Int), tilesY: Int, tilesX: Int,
        into v: UnsafeMutablePointer<Float>, positionStride: Int
    ) {
        func run<T: WinogradTile>(_: T.Type) {
            let tiles = tilesY * tilesX, columns = images * tiles
            Parallel.ranges(images * c) { planes in
                let scratch = InputScratch<T>(h: h, w: w, tilesY: tilesY, tilesX: tilesX, padding: padding)
                for plane in planes {
                    let (image, ci) = plane.quotientAndRemainder(dividingBy: c)
                    scratch.transform(
                        x + ((first + image) * c + ci) * h * w, into: v + ci * columns + image * tiles, positionStride: positionStride)
                }
            }
        }
        switch self {
        case .f2: run(WinogradF2.self)
        case .f4: run(WinogradF4.self)
        }
    }

    /// `M[ξ][oc][image · tiles + tile]` → the output planes of those images, finished.
    func transformOutputsByTileRows(
        _ product: UnsafePointer<Float>, first: Int, images: Int, oc: Int, tilesY: Int, tilesX: Int, positionStride: Int,
        into out: UnsafeMutablePointer<Float>, oh: Int, ow: Int, finishing pass: OutputPass
    ) {
        func run<T: WinogradTile>(_: T.Type) {
            let tiles = tilesY * tilesX, columns = images * tiles
            Parallel.ranges(images * oc) { planes in
                let scratch = OutputScratch<T>(tilesY: tilesY, tilesX: tilesX)
                for plane in planes {
                    let (image, o) = plane.quotientAndRemainder(dividingBy: oc)
                    scratch.transform(
                        product + o * columns + image * tiles, positionStride: positionStride,
                        into: out, plane: (first + image) * oc + o, oh: oh, ow: ow, finishing: pass)
                }
            }
        }
        switch self {
        case .f2: run(WinogradF2.self)
        case .f4: run(WinogradF4.self)
        }
    }
}

/// A small dense matrix kept as its non-zero entries per row, for the transforms.
struct Matrix {
    let rows: [[(column: Int, value: Float)]]
    init(_ m: [[Float]]) {
        rows = m.map { row in row.enumerated().compactMap { $0.element == 0 ? nil : ($0.offset, $0.element) } }
    }

    /// `dst(r)[t] = Σ_j self[r][j] · src(j)[t]` for `t < count`, every row `r`.
    @inline(__always)
    func apply(_ src: (Int) -> UnsafePointer<Float>, _ dst: (Int) -> UnsafeMutablePointer<Float>, count: Int) {
        for (r, terms) in rows.enumerated() { Matrix.combine(terms, src, into: dst(r), count: count) }
    }

    /// `d[t] = Σ value · src(column)[t]` over the terms, in one vector loop (up to six terms;
    /// a longer row takes further passes).
    @inline(__always)
    static func combine(
        _ terms: [(column: Int, value: Float)], _ src: (Int) -> UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        func s(_ i: Int) -> (UnsafePointer<Float>, Float) { (src(terms[i].column), terms[i].value) }
        switch terms.count {
        case 0: d.update(repeating: 0, count: count)
        case 1:
            let (p0, c0) = s(0)
            for t in 0..<count { d[t] = c0 * p0[t] }
        case 2:
            let (p0, c0) = s(0), (p1, c1) = s(1)
            for t in 0..<count { d[t] = c0 * p0[t] + c1 * p1[t] }
        case 3:
            let (p0, c0) = s(0), (p1, c1) = s(1), (p2, c2) = s(2)
            for t in 0..<count { d[t] = c0 * p0[t] + c1 * p1[t] + c2 * p2[t] }
        case 4:
            let (p0, c0) = s(0), (p1, c1) = s(1), (p2, c2) = s(2), (p3, c3) = s(3)
            for t in 0..<count { d[t] = c0 * p0[t] + c1 * p1[t] + c2 * p2[t] + c3 * p3[t] }
        default:
            let (p0, c0) = s(0), (p1, c1) = s(1), (p2, c2) = s(2), (p3, c3) = s(3), (p4, c4) = s(4)
            for t in 0..<count { d[t] = c0 * p0[t] + c1 * p1[t] + c2 * p2[t] + c3 * p3[t] + c4 * p4[t] }
            for i in 5..<terms.count {
                let (p, c) = s(i)
                for t in 0..<count { d[t] += c * p[t] }
            }
        }
    }
}

/// Eight neighbouring tiles of a tile row: the transforms' vector.
typealias TileLanes = SIMD8<Float>

extension Winograd {
    /// `Bᵀ·d` in place on the α vectors `p[0], p[s], …, p[(α−1)·s]` — the rows of `bT`, written
    /// out in `WinogradF2`/`WinogradF4`.
    @inline(__always)
    func inputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        switch self {
        case .f2: WinogradF2.inputTransform(p, stride: s)
        case .f4: WinogradF4.inputTransform(p, stride: s)
        }
    }

    /// `Aᵀ·M` on the α vectors `p[0], p[s], …`: the m results go to `p[0], p[s], …, p[(m−1)·s]` —
    /// the rows of `aT`.
    @inline(__always)
    func outputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        switch self {
        case .f2: WinogradF2.outputTransform(p, stride: s)
        case .f4: WinogradF4.outputTransform(p, stride: s)
        }
    }

    /// `B·e` on the α vectors `p[0], p[s], …` in place — the rows of `bT` (the adjoint of
    /// `inputTransform`).
    @inline(__always)
    func inputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        switch self {
        case .f2: WinogradF2.inputTransformAdjoint(p, stride: s)
        case .f4: WinogradF4.inputTransformAdjoint(p, stride: s)
        }
    }

    /// `A·g` on the m vectors `p[0], p[s], …, p[(m−1)·s]`: the α results go to `p[0], p[s], …,
    /// p[(α−1)·s]` — the columns of `aT` (the adjoint of `outputTransform`).
    @inline(__always)
    func outputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        switch self {
        case .f2: WinogradF2.outputTransformAdjoint(p, stride: s)
        case .f4: WinogradF4.outputTransformAdjoint(p, stride: s)
        }
    }
}

@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>) -> TileLanes { UnsafeRawPointer(p).loadUnaligned(as: TileLanes.self) }

@inline(__always)
func storeLanes(_ v: TileLanes, _ p: UnsafeMutablePointer<Float>, count: Int) {
    if count == 8 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: TileLanes.self)
    } else {
        for lane in 0..<count { p[lane] = v[lane] }
    }
}

/// Per-thread buffers for the input transform of one channel plane.
///
/// Each padded input row is split into its m column phases — `phases[row][r][i]` holds padded
/// pixel (row, m·i + r) — so that column j of the tiles tx, tx+1, … of a tile row is one
/// contiguous run, `phases[row][j mod m][tx + j / m …]`. A tile row then goes eight tiles at a
/// time: the α×α block of vectors is loaded, transformed along its rows and then its columns
/// (`Bᵀ d B`), and each of its α² positions stored as eight consecutive columns of V.
final class InputScratch<T: WinogradTile> {
    let h: Int, w: Int, tilesY: Int, tilesX: Int, padding: (Int, Int)
    /// Floats per phase: the tiles rounded up to whole vectors, plus room for the taps past m.
    let phaseLength: Int
    let phases: UnsafeMutablePointer<Float>  // [padded row][phase][phaseLength]
    let line: UnsafeMutablePointer<Float>  // one padded row, m·phaseLength wide
    let block: UnsafeMutablePointer<TileLanes>  // α×α

    init(h: Int, w: Int, tilesY: Int, tilesX: Int, padding: (Int, Int)) {
        self.h = h
        self.w = w
        self.tilesY = tilesY
        self.tilesX = tilesX
        self.padding = padding
        let m = T.m, a = T.alpha
        phaseLength = (tilesX + 7) / 8 * 8 + 8
        phases = .allocate(capacity: (tilesY * m + 2) * m * phaseLength)
        line = .allocate(capacity: m * phaseLength)
        line.initialize(repeating: 0, count: m * phaseLength)
        block = .allocate(capacity: a * a)
    }

    deinit {
        phases.deallocate()
        line.deallocate()
        block.deallocate()
    }

    /// Writes position ξ of every tile of `plane` to `dst + ξ·positionStride + tile`.
    func transform(_ plane: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, positionStride: Int) {
        let m = T.m, a = T.alpha, length = phaseLength, rowFloats = m * length
        let (ph, pw) = padding
        // The padded rows into their phases (the zero padding included). `line` stays zero outside
        // the copied pixels: every row copies the same columns.
        let width = min(w, rowFloats - pw)
        for row in 0..<(tilesY * m + 2) {
            let y = row - ph, out = phases + row * rowFloats
            guard y >= 0, y < h, width > 0 else {
                out.update(repeating: 0, count: rowFloats)
                continue
            }
            (line + pw).update(from: plane + y * w, count: width)
            Deinterleave.split(line, phases: m, count: length) { r in out + r * length }
        }
        for ty in 0..<tilesY {
            for tx in stride(from: 0, to: tilesX, by: 8) {
                for i in 0..<a {
                    let row = UnsafePointer(phases + (ty * m + i) * rowFloats + tx)
                    for j in 0..<a { block[i * a + j] = loadLanes(row + (j % m) * length + j / m) }
                    T.inputTransform(block + i * a, stride: 1)
                }
                for l in 0..<a { T.inputTransform(block + l, stride: a) }
                // A short last vector may spill into the following tile rows, which are written
                // after it; only the plane's edge stops it.
                let first = ty * tilesX + tx, out = dst + first
                let count = min(8, tilesY * tilesX - first)
                for xi in 0..<(a * a) { storeLanes(block[xi], out + xi * positionStride, count: count) }
            }
        }
    }
}

/// Per-thread buffers for the output transform of one output-channel plane: a tile row goes eight
/// tiles at a time — the α×α block of vectors is loaded from M, transformed along its columns and
/// then its rows (`Aᵀ M A`), and the m×m results interleaved into m output rows.
final class OutputScratch<T: WinogradTile> {
    let tilesY: Int, tilesX: Int
    /// Floats per output row of a tile row: the tiles rounded up to whole vectors, times m.
    let rowLength: Int
    let rows: UnsafeMutablePointer<Float>  // [r][rowLength]
    let block: UnsafeMutablePointer<TileLanes>  // α×α

    init(tilesY: Int, tilesX: Int) {
        self.tilesY = tilesY
        self.tilesX = tilesX
        rowLength = (tilesX + 7) / 8 * 8 * T.m
        rows = .allocate(capacity: T.m * rowLength)
        block = .allocate(capacity: T.alpha * T.alpha)
    }

    deinit {
        rows.deallocate()
        block.deallocate()
    }

    /// Reads position ξ of every tile from `src + ξ·positionStride + tile` (and may read up to 7
    /// floats past the last tile), writes the OH×OW plane.
    func transform(
        _ src: UnsafePointer<Float>, positionStride: Int, into y: UnsafeMutablePointer<Float>, plane: Int, oh: Int, ow: Int,
        finishing pass: OutputPass
    ) {
        let out = y + plane * oh * ow
        let m = T.m, a = T.alpha
        for ty in 0..<tilesY {
            for tx in stride(from: 0, to: tilesX, by: 8) {
                let from = src + ty * tilesX + tx
                for xi in 0..<(a * a) { block[xi] = loadLanes(from + xi * positionStride) }
                for l in 0..<a { T.outputTransform(block + l, stride: a) }
                for r in 0..<m { T.outputTransform(block + r * a, stride: 1) }
                // Y[r][s] of tile tx + t goes to column (tx + t)·m + s of output row r.
                for r in 0..<m {
                    let to = UnsafeMutableRawPointer(rows + r * rowLength + tx * m)
                    let b = block + r * a
                    if m == 2 {
                        to.storeBytes(of: interleave(b[0], b[1]), as: SIMD16<Float>.self)
                    } else {
                        // Zipping (0, 2) and (1, 3), then the two results, gives 0, 1, 2, 3, 0, 1, …
                        let even = interleave(b[0], b[2]), odd = interleave(b[1], b[3])
                        to.storeBytes(of: interleave(even.lowHalf, odd.lowHalf), as: SIMD16<Float>.self)
                        to.storeBytes(of: interleave(even.highHalf, odd.highHalf), toByteOffset: 64, as: SIMD16<Float>.self)
                    }
                }
            }
            for r in 0..<m {
                let oy = ty * m + r
                guard oy < oh else { break }
                (out + oy * ow).update(from: rows + r * rowLength, count: ow)
                if !pass.isIdentity { pass.finish(y, plane: plane, from: oy * ow, count: ow) }
            }
        }
    }
}

/// `[a0, b0, a1, b1, …]`: two vectors zipped (the compiler turns the loop into shuffles).
@inline(__always)
private func interleave(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD16<Float> {
    var z = SIMD16<Float>()
    for t in 0..<8 {
        z[2 * t] = a[t]
        z[2 * t + 1] = b[t]
    }
    return z
}
