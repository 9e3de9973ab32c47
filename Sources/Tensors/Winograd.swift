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

    /// Bᵀ, α×α: the input transform.
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

    /// Aᵀ, m×α: the output transform.
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
        // Images go in chunks of about 2048 tiles: wide enough GEMMs, bounded scratch memory.
        let chunk = max(1, min(n, 2048 / tiles))
        let capacity = chunk * tiles
        Workspace.withBuffer(positions * c * capacity) { v in
            Workspace.withBuffer(positions * oc * capacity) { product in
                convolve(
                    x, n: n, c: c, h: h, w: w, padding: padding, u: u, outChannels: oc, into: out, oh: oh, ow: ow,
                    chunk: chunk, v: v, product: product, finishing: pass)
            }
        }
    }

    private func convolve(
        _ x: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, padding: (Int, Int),
        u: UnsafePointer<Float>, outChannels oc: Int, into out: UnsafeMutablePointer<Float>, oh: Int, ow: Int,
        chunk: Int, v: UnsafeMutablePointer<Float>, product: UnsafeMutablePointer<Float>, finishing pass: OutputPass
    ) {
        let m = self.m, positions = alpha * alpha
        let tilesY = (oh + m - 1) / m, tilesX = (ow + m - 1) / m, tiles = tilesY * tilesX
        let bT = Matrix(bT), aT = Matrix(aT)
        for first in stride(from: 0, to: n, by: chunk) {
            let images = min(chunk, n - first)
            let columns = images * tiles
            // 1. Input tiles → V[ξ][c][column], one (image, channel) plane per task.
            Parallel.ranges(images * c) { planes in
                var scratch = InputScratch(self, h: h, w: w, tilesY: tilesY, tilesX: tilesX, padding: padding)
                for plane in planes {
                    let image = plane / c, ci = plane % c
                    scratch.transform(
                        x + ((first + image) * c + ci) * h * w, bT: bT,
                        into: v + ci * columns + image * tiles, positionStride: c * columns)
                }
            }
            // 2. α² independent GEMMs: M_ξ[OC, columns] = U_ξ[OC, C] · V_ξ[C, columns].
            Parallel.forEach(positions, work: oc * c * columns) { xi in
                GEMM.sgemm(
                    m: oc, n: columns, k: c, a: u + xi * oc * c, lda: c, b: v + xi * c * columns, ldb: columns,
                    c: product + xi * oc * columns, ldc: columns)
            }
            // 3. M → output tiles, cropped to OH×OW, one (image, output channel) plane per task.
            Parallel.ranges(images * oc) { planes in
                var scratch = OutputScratch(self, tiles: tiles)
                for plane in planes {
                    let image = plane / oc, o = plane % oc
                    scratch.transform(
                        product + o * columns + image * tiles, positionStride: oc * columns, aT: aT,
                        into: out, plane: (first + image) * oc + o, oh: oh, ow: ow, tilesX: tilesX, finishing: pass)
                }
            }
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

/// Per-thread buffers for the input transform of one channel plane.
///
/// The zero-padded plane is stored split into m×m phases — `split[ry][rx][y'][x']` holds padded
/// pixel (m·y' + ry, m·x' + rx) — so that tap (i, j) of every tile is one contiguous run:
/// `split[i mod m][j mod m][tileY + i / m][tileX + j / m]`. Both halves of `Bᵀ d B` are then
/// vector loops over all tiles at once (each run carries one spare column per tile-row, dropped
/// when the result is copied out).
private struct InputScratch {
    let variant: Winograd
    let h: Int, w: Int, tilesY: Int, tilesX: Int, padding: (Int, Int)
    /// Rows and columns of one phase: one more than the tiles, for the taps past m.
    let splitH: Int, splitW: Int
    var split: [Float]  // [ry][rx][y'][x'] plus one spare row
    var vertical: [Float]  // [k][rx][y'][x']: after the vertical half, same layout
    var flat: [Float]  // one transformed position over the tiles, splitW per tile-row
    var line: [Float]  // one input row inside its zero padding, m·splitW wide

    init(_ variant: Winograd, h: Int, w: Int, tilesY: Int, tilesX: Int, padding: (Int, Int)) {
        self.variant = variant
        self.h = h
        self.w = w
        self.tilesY = tilesY
        self.tilesX = tilesX
        self.padding = padding
        let m = variant.m, a = variant.alpha
        splitH = tilesY + 1
        splitW = tilesX + 1
        split = [Float](repeating: 0, count: (m * m * splitH + 1) * splitW)
        vertical = [Float](repeating: 0, count: (a * m * splitH + 1) * splitW)
        flat = [Float](repeating: 0, count: tilesY * splitW)
        line = [Float](repeating: 0, count: m * splitW)
    }

    /// Writes position ξ of every tile of `plane` to `dst + ξ·positionStride + tile`.
    mutating func transform(
        _ plane: UnsafePointer<Float>, bT: Matrix, into dst: UnsafeMutablePointer<Float>, positionStride: Int
    ) {
        let m = variant.m, a = variant.alpha
        let (ph, pw) = padding, (hh, ww, tY, tX, sH, sW) = (h, w, tilesY, tilesX, splitH, splitW)
        let phase = sH * sW  // floats per phase
        split.withUnsafeMutableBufferPointer { sBuf in
            vertical.withUnsafeMutableBufferPointer { vBuf in
                flat.withUnsafeMutableBufferPointer { fBuf in
                  line.withUnsafeMutableBufferPointer { lBuf in
                    let sp = sBuf.baseAddress!, vp = vBuf.baseAddress!, f = fBuf.baseAddress!
                    // The plane into its phases; everything else (padding, round-up) stays zero.
                    // Each row is laid out padded in `line`, then split into its m column phases.
                    sp.update(repeating: 0, count: sBuf.count)
                    let line = lBuf.baseAddress!
                    let width = min(ww, m * sW - pw)
                    for y in 0..<hh {
                        let py = y + ph
                        guard py < m * sH else { break }
                        line.update(repeating: 0, count: m * sW)
                        if width > 0 { (line + pw).update(from: plane + y * ww, count: width) }
                        let out = sp + (py % m) * m * phase + (py / m) * sW
                        Deinterleave.split(line, phases: m, count: sW) { rx in out + rx * phase }
                    }
                    // Vertical half: row k = Σ_i Bᵀ[k][i] · tap row i, for every column phase and tile.
                    let runV = m * phase
                    bT.apply(
                        { i in UnsafePointer(sp + (i % m) * m * phase + (i / m) * sW) }, { k in vp + k * runV }, count: runV)
                    // Horizontal half: V[k·α + l] = Σ_j Bᵀ[l][j] · tap column j.
                    let runH = tY * sW - 1
                    for k in 0..<a {
                        let rows = vp + k * runV
                        for l in 0..<a {
                            Matrix.combine(bT.rows[l], { j in UnsafePointer(rows + (j % m) * phase + j / m) }, into: f, count: runH)
                            let out = dst + (k * a + l) * positionStride
                            for ty in 0..<tY {
                                let (to, from) = (out + ty * tX, f + ty * sW)
                                for t in 0..<tX { to[t] = from[t] }
                            }
                        }
                    }
                  }
                }
            }
        }
    }
}

/// Per-thread buffers for the output transform of one output-channel plane.
private struct OutputScratch {
    let variant: Winograd
    var partial: [Float]
    var result: [Float]

    init(_ variant: Winograd, tiles: Int) {
        self.variant = variant
        partial = [Float](repeating: 0, count: variant.m * variant.alpha * tiles)
        result = [Float](repeating: 0, count: variant.m * variant.m * tiles)
    }

    /// Reads position ξ of every tile from `src + ξ·positionStride + tile`, writes the OH×OW plane.
    mutating func transform(
        _ src: UnsafePointer<Float>, positionStride: Int, aT: Matrix, into y: UnsafeMutablePointer<Float>, plane: Int,
        oh: Int, ow: Int, tilesX: Int, finishing pass: OutputPass
    ) {
        let out = y + plane * oh * ow
        let m = variant.m, a = variant.alpha
        let tiles = partial.count / (m * a)
        partial.withUnsafeMutableBufferPointer { fBuf in
            result.withUnsafeMutableBufferPointer { yBuf in
                let f = fBuf.baseAddress!, t = yBuf.baseAddress!
                // Horizontal: F[k][s] = Σ_l Aᵀ[s][l] · M[k·α + l], over all tiles.
                for k in 0..<a {
                    aT.apply({ src + (k * a + $0) * positionStride }, { f + (k * m + $0) * tiles }, count: tiles)
                }
                // Vertical: Y[r][s] = Σ_k Aᵀ[r][k] · F[k][s].
                for s in 0..<m {
                    aT.apply({ UnsafePointer(f + ($0 * m + s) * tiles) }, { t + ($0 * m + s) * tiles }, count: tiles)
                }
                // Tiles back into rows, dropping what lies past the plane's edge.
                for oy in 0..<oh {
                    let ty = oy / m, r = oy % m
                    let row = out + oy * ow
                    for s in 0..<min(m, ow) {
                        let from = t + (r * m + s) * tiles + ty * tilesX, to = row + s
                        for tx in 0..<((ow - s + m - 1) / m) { to[tx * m] = from[tx] }
                    }
                    if !pass.isIdentity { pass.finish(y, plane: plane, from: oy * ow, count: ow) }
                }
            }
        }
    }
}
