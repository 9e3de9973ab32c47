/// The gradients of a 3×3 stride-1 convolution through Winograd's transforms: the adjoint of
/// `Winograd.convolve`.
///
/// Forward, each output tile is `Y = Aᵀ [U ⊙ V] A` with `U = G g Gᵀ` and `V = Bᵀ d B`, and the
/// products summed over input channels are the α² GEMMs `M_ξ = U_ξ · V_ξ`. Going back, the
/// gradient of `M` is `Z = A dY Aᵀ` (the output transform's adjoint, one α×α block per m×m tile of
/// `dY`, zero where the forward cropped). Then
/// - of `U_ξ` it is `Z_ξ · V_ξᵀ` summed over every tile of the batch — α² GEMMs as deep as the
///   batch's tiles — and of `g` it is `Gᵀ dU G`;
/// - of `V_ξ` it is `U_ξᵀ · Z_ξ`, with the forward pass's own transformed weights, and of each input
///   tile `B dV Bᵀ`; tiles overlap by two pixels, so their gradients add up.
/// `Z` is made once for both. F(4×4) does a quarter of im2col's multiplications, F(2×2) 1/2.25
/// (less on maps that are not whole tiles).
extension Winograd {
    /// Whether the backward's transforms go one lane per image: when its chunks hold eight images or
    /// more (`Winograd.imagesPerChunk`); then every chunk does, a short last one too.
    static func backwardChunks(n: Int, tiles: Int, tilesPerChunk: Int = 2048) -> (chunk: Int, byImages: Bool) {
        let chunk = imagesPerChunk(n: n, tiles: tiles, tilesPerChunk: tilesPerChunk)
        return (chunk, chunk >= 8)
    }

    /// The gradients of the convolution of `x` (`[N, C, H, W]`, zero-padded by `padding`) whose
    /// output gradient is `dy` (`[N, OC, OH, OW]`):
    /// - with `dw`, the weight gradient `[OC, C, 3, 3]` (needs `x`);
    /// - with `dx`, the input gradient `[N, C, H, W]` (needs `u`, the forward pass's transformed
    ///   weights, and a batch whose chunks go one lane per image — see `backwardChunks`).
    /// Both are overwritten. Each chunk's α² GEMMs accumulate into the transformed weight gradient
    /// in order (`beta = 1`), one GEMM per task, so the result does not depend on the threads' timing.
    func backward(
        input x: UnsafePointer<Float>?, n: Int, c: Int, h: Int, w: Int, padding: (Int, Int),
        outputGradient dy: UnsafePointer<Float>, outChannels oc: Int, oh: Int, ow: Int, weights u: UnsafePointer<Float>?,
        inputGradient dx: UnsafeMutablePointer<Float>?, weightGradient dw: UnsafeMutablePointer<Float>?, tilesPerChunk: Int = 2048
    ) {
        let m = self.m, positions = alpha * alpha
        let tilesY = (oh + m - 1) / m, tilesX = (ow + m - 1) / m, tiles = tilesY * tilesX
        let (chunk, byImages) = Winograd.backwardChunks(n: n, tiles: tiles, tilesPerChunk: tilesPerChunk)
        precondition(dx == nil || (u != nil && byImages), "the input gradient needs the transformed weights and image lanes")
        precondition(dw == nil || x != nil, "the weight gradient needs the input")
        let capacity = chunk * tiles
        Workspace.withBuffer(positions * Winograd.paddedStride(c * capacity)) { v in
            Workspace.withBuffer(positions * Winograd.paddedStride(oc * capacity)) { z in
                Workspace.withBuffer(dw == nil ? 0 : positions * oc * c) { du in
                    for first in stride(from: 0, to: n, by: chunk) {
                        let images = min(chunk, n - first)
                        let columns = images * tiles
                        let vStride = Winograd.paddedStride(c * columns), zStride = Winograd.paddedStride(oc * columns)
                        // Z[ξ][oc][column] = (A dY Aᵀ)[ξ].
                        if byImages {
                            transformOutputGradientsByImageLanes(
                                dy, first: first, images: images, oc: oc, oh: oh, ow: ow, tilesY: tilesY, tilesX: tilesX, into: z,
                                positionStride: zStride)
                        } else {
                            transformOutputGradientsByTileRows(
                                dy, first: first, images: images, oc: oc, oh: oh, ow: ow, tilesY: tilesY, tilesX: tilesX, into: z,
                                positionStride: zStride)
                        }
                        if let x, dw != nil {
                            // V[ξ][c][column], as the forward pass makes it.
                            if byImages {
                                transformInputsByImageLanes(
                                    x, first: first, images: images, c: c, h: h, w: w, padding: padding, tilesY: tilesY, tilesX: tilesX,
                                    into: v, positionStride: vStride)
                            } else {
                                transformInputsByTileRows(
                                    x, first: first, images: images, c: c, h: h, w: w, padding: padding, tilesY: tilesY, tilesX: tilesX,
                                    into: v, positionStride: vStride)
                            }
                            // dU_ξ[OC, C] (+)= Z_ξ[OC, columns] · V_ξ[C, columns]ᵀ.
                            Parallel.forEach(positions, work: oc * c * columns) { xi in
                                GEMM.sgemm(
                                    transposeB: true, m: oc, n: c, k: columns, a: z + xi * zStride, lda: columns, b: v + xi * vStride,
                                    ldb: columns, beta: first == 0 ? 0 : 1, c: du + xi * oc * c, ldc: c)
                            }
                        }
                        if let dx, let u {
                            // dV_ξ[C, columns] = U_ξ[OC, C]ᵀ · Z_ξ[OC, columns], into V's buffer (done with).
                            Parallel.forEach(positions, work: oc * c * columns) { xi in
                                GEMM.sgemm(
                                    transposeA: true, m: c, n: columns, k: oc, a: u + xi * oc * c, lda: c, b: z + xi * zStride, ldb: columns,
                                    c: v + xi * vStride, ldc: columns)
                            }
                            transformInputGradientsByImageLanes(
                                v, first: first, images: images, c: c, h: h, w: w, padding: padding, tilesY: tilesY, tilesX: tilesX,
                                positionStride: vStride, into: dx)
                        }
                    }
                    if let dw { untransformWeightGradient(du, outChannels: oc, inChannels: c, into: dw) }
                }
            }
        }
    }

    /// `Z[ξ][oc][image · tiles + tile] = (A dY Aᵀ)[ξ]`, one (image, output channel) plane per task.
    func transformOutputGradientsByTileRows(
        _ dy: UnsafePointer<Float>, first: Int, images: Int, oc: Int, oh: Int, ow: Int, tilesY: Int, tilesX: Int,
        into z: UnsafeMutablePointer<Float>, positionStride: Int
    ) {
        func run<T: WinogradTile>(_: T.Type) {
            let tiles = tilesY * tilesX, columns = images * tiles
            Parallel.ranges(images * oc) { planes in
                let scratch = OutputGradientScratch<T>(oh: oh, ow: ow, tilesY: tilesY, tilesX: tilesX)
                for plane in planes {
                    let (image, o) = plane.quotientAndRemainder(dividingBy: oc)
                    scratch.transform(
                        dy + ((first + image) * oc + o) * oh * ow, into: z + o * columns + image * tiles, positionStride: positionStride)
                }
            }
        }
        switch self {
        case .f2: run(WinogradF2.self)
        case .f4: run(WinogradF4.self)
        }
    }

    /// `dw[o][c] = Gᵀ · dU[·][o][c] · G` (3×3 from α×α) for every output and input channel — the
    /// adjoint of `transformWeights`, vector loops over the input channels.
    private func untransformWeightGradient(
        _ du: UnsafePointer<Float>, outChannels oc: Int, inChannels c: Int, into dw: UnsafeMutablePointer<Float>
    ) {
        let a = alpha
        let gT = Matrix((0..<3).map { i in g.map { $0[i] } })  // 3×α
        Parallel.ranges(oc) { outputs in
            let half = UnsafeMutablePointer<Float>.allocate(capacity: 3 * a * c)  // (Gᵀ·dU)[i][s][c]
            let taps = UnsafeMutablePointer<Float>.allocate(capacity: 9 * c)  // [tap][c]
            defer {
                half.deallocate()
                taps.deallocate()
            }
            for o in outputs {
                for s in 0..<a {
                    gT.apply({ r in du + ((r * a + s) * oc + o) * c }, { i in half + (i * a + s) * c }, count: c)
                }
                for i in 0..<3 {
                    gT.apply({ s in UnsafePointer(half + (i * a + s) * c) }, { j in taps + (i * 3 + j) * c }, count: c)
                }
                let out = dw + o * c * 9
                for ci in 0..<c { for t in 0..<9 { out[ci * 9 + t] = taps[t * c + ci] } }
            }
        }
    }
}

/// Per-thread buffers for the transform of one output-gradient plane: a tile row's m rows are split
/// into their m column phases (zero past the plane's edge, where the forward cropped), so that the
/// m×m blocks of eight neighbouring tiles load as vectors; each block is transformed along its rows
/// and then its columns (`A dY Aᵀ`) and its α² positions stored as eight consecutive columns of Z.
final class OutputGradientScratch<T: WinogradTile> {
    let oh: Int, ow: Int, tilesY: Int, tilesX: Int
    let phaseLength: Int
    let phases: UnsafeMutablePointer<Float>  // [row of the tile row][phase][phaseLength]
    let line: UnsafeMutablePointer<Float>  // one row, m·phaseLength wide, zero past OW
    let block: UnsafeMutablePointer<TileLanes>  // α×α

    init(oh: Int, ow: Int, tilesY: Int, tilesX: Int) {
        self.oh = oh
        self.ow = ow
        self.tilesY = tilesY
        self.tilesX = tilesX
        let m = T.m, a = T.alpha
        phaseLength = (tilesX + 7) / 8 * 8
        phases = .allocate(capacity: m * m * phaseLength)
        line = .allocate(capacity: m * phaseLength)
        line.initialize(repeating: 0, count: m * phaseLength)
        block = .allocate(capacity: a * a)
    }

    deinit {
        phases.deallocate()
        line.deallocate()
        block.deallocate()
    }

    /// Writes position ξ of every tile of `plane` (`OH×OW`) to `dst + ξ·positionStride + tile`.
    func transform(_ plane: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, positionStride: Int) {
        let m = T.m, a = T.alpha, length = phaseLength, rowFloats = m * length
        for ty in 0..<tilesY {
            for r in 0..<m {
                let y = ty * m + r, out = phases + r * rowFloats
                guard y < oh else {
                    out.update(repeating: 0, count: rowFloats)
                    continue
                }
                line.update(from: plane + y * ow, count: ow)
                Deinterleave.split(line, phases: m, count: length) { s in out + s * length }
            }
            for tx in stride(from: 0, to: tilesX, by: 8) {
                for r in 0..<m {
                    for s in 0..<m { block[r * a + s] = loadLanes(phases + r * rowFloats + s * length + tx) }
                    T.outputTransformAdjoint(block + r * a, stride: 1)
                }
                for l in 0..<a { T.outputTransformAdjoint(block + l, stride: a) }
                // As in the input transform, a short vector spills into the next tile row, which is
                // written after it; only the plane's edge stops it.
                let first = ty * tilesX + tx, out = dst + first
                let count = min(8, tilesY * tilesX - first)
                for xi in 0..<(a * a) { storeLanes(block[xi], out + xi * positionStride, count: count) }
            }
        }
    }
}
