/// A Winograd variant's tile sizes and transforms as compile-time constants: code generic over a
/// `WinogradTile` is specialised per variant, so its per-tile loops have fixed trip counts and no
/// divisions. The transforms work on vectors of eight lanes — eight tiles, or eight images.
protocol WinogradTile {
    /// Output tile side m; the input tile side is α = m + 2.
    static var m: Int { get }
    /// `Bᵀ·d` in place on the α vectors `p[0], p[s], …, p[(α−1)·s]` (the rows of `Winograd.bT`).
    static func inputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int)
    /// `B·e` on the α vectors `p[0], p[s], …` in place (the adjoint of `inputTransform`, for the
    /// input gradient).
    static func inputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int)
    /// `Aᵀ·M` on the α vectors `p[0], p[s], …`: the m results go to `p[0], …, p[(m−1)·s]`.
    static func outputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int)
    /// `A·g` on the m vectors `p[0], …, p[(m−1)·s]`: the α results go to `p[0], …, p[(α−1)·s]`
    /// (the adjoint of `outputTransform`, for gradients).
    static func outputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int)
}

extension WinogradTile {
    @inline(__always) static var alpha: Int { m + 2 }
}

/// F(2×2, 3×3).
enum WinogradF2: WinogradTile {
    @inline(__always) static var m: Int { 2 }

    @inline(__always)
    static func inputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (d0, d1, d2, d3) = (p[0], p[s], p[2 * s], p[3 * s])
        p[0] = d0 - d2
        p[s] = d1 + d2
        p[2 * s] = d2 - d1
        p[3 * s] = d1 - d3
    }

    @inline(__always)
    static func inputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (e0, e1, e2, e3) = (p[0], p[s], p[2 * s], p[3 * s])
        p[s] = (e1 - e2) + e3
        p[2 * s] = (e1 + e2) - e0
        p[3 * s] = -e3
    }

    @inline(__always)
    static func outputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (m0, m1, m2, m3) = (p[0], p[s], p[2 * s], p[3 * s])
        p[0] = m0 + m1 + m2
        p[s] = m1 - m2 - m3
    }

    @inline(__always)
    static func outputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (g0, g1) = (p[0], p[s])
        p[s] = g0 + g1
        p[2 * s] = g0 - g1
        p[3 * s] = -g1
    }
}

/// F(4×4, 3×3), points 0, ±1, ±2, ∞.
enum WinogradF4: WinogradTile {
    @inline(__always) static var m: Int { 4 }

    @inline(__always)
    static func inputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (d0, d1, d2, d3, d4, d5) = (p[0], p[s], p[2 * s], p[3 * s], p[4 * s], p[5 * s])
        p[0] = 4 * d0 - 5 * d2 + d4
        p[s] = (d3 + d4) - 4 * (d1 + d2)
        p[2 * s] = (d4 - d3) + 4 * (d1 - d2)
        p[3 * s] = (d4 - d2) - 2 * (d1 - d3)
        p[4 * s] = (d4 - d2) + 2 * (d1 - d3)
        p[5 * s] = 4 * d1 - 5 * d3 + d5
    }

    @inline(__always)
    static func inputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (e0, e1, e2, e3, e4, e5) = (p[0], p[s], p[2 * s], p[3 * s], p[4 * s], p[5 * s])
        let (sum12, diff12, sum34, diff34) = (e1 + e2, e2 - e1, e3 + e4, e3 - e4)
        p[0] = 4 * e0
        p[s] = 4 * (diff12 + e5) - 2 * diff34
        p[2 * s] = -5 * e0 - 4 * sum12 - sum34
        p[3 * s] = 2 * diff34 - diff12 - 5 * e5
        p[4 * s] = e0 + sum12 + sum34
        p[5 * s] = e5
    }

    @inline(__always)
    static func outputTransform(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (m0, m1, m2, m3, m4, m5) = (p[0], p[s], p[2 * s], p[3 * s], p[4 * s], p[5 * s])
        let (sum12, diff12, sum34, diff34) = (m1 + m2, m1 - m2, m3 + m4, m3 - m4)
        p[0] = m0 + sum12 + sum34
        p[s] = diff12 + 2 * diff34
        p[2 * s] = sum12 + 4 * sum34
        p[3 * s] = diff12 + 8 * diff34 + m5
    }

    @inline(__always)
    static func outputTransformAdjoint(_ p: UnsafeMutablePointer<TileLanes>, stride s: Int) {
        let (g0, g1, g2, g3) = (p[0], p[s], p[2 * s], p[3 * s])
        let (even, odd) = (g0 + g2, g1 + g3)
        let (evenWide, oddWide) = (g0 + 4 * g2, 2 * g1 + 8 * g3)
        p[s] = even + odd
        p[2 * s] = even - odd
        p[3 * s] = evenWide + oddWide
        p[4 * s] = evenWide - oddWide
        p[5 * s] = g3
    }
}

// MARK: - Eight images per vector

/// The transforms for a batch of at least eight images, one lane per image.
///
/// A tile row of a small map has few tiles (a 7×7 map has 4 of 2×2, a 2×2 map one), so vectors of
/// neighbouring tiles leave most lanes idle and need shuffles to gather the tiles' columns. Eight
/// images of the same channel fill every lane instead: their planes are first interleaved pixel by
/// pixel (`[row][column][image]`, one vector per pixel, zero-padded), after which every tile's
/// α×α block is α² aligned vector loads. The transformed matrices then hold their columns tile by
/// tile, eight images side by side (`column = tile · images + image`): stores are whole vectors.
/// The GEMMs do not care about the order of the columns, as long as V, M and Z share it.
enum ImageLanes {
    /// Writes lanes `0..<lanes` of `src` to `p`.
    @inline(__always)
    static func store(_ v: TileLanes, _ p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: TileLanes.self)
        } else {
            for l in 0..<lanes { p[l] = v[l] }
        }
    }

    /// `dst[(row + top)·width + column + left][l] = plane(l)[row·w + column]` for the lanes given,
    /// clipped to `rows × width` vectors.
    @inline(__always)
    static func interleave(
        _ plane: (Int) -> UnsafePointer<Float>, lanes: Int, h: Int, w: Int, into dst: UnsafeMutablePointer<TileLanes>, rows: Int,
        width: Int, top: Int, left: Int
    ) {
        let floats = UnsafeMutableRawPointer(dst).assumingMemoryBound(to: Float.self)
        let hh = min(h, rows - top), ww = min(w, width - left)
        guard hh > 0, ww > 0 else { return }
        for l in 0..<lanes {
            let src = plane(l)
            for y in 0..<hh {
                let from = src + y * w, to = floats + ((y + top) * width + left) * 8 + l
                for x in 0..<ww { to[x * 8] = from[x] }
            }
        }
    }
}

/// Eight images' padded planes of one channel, pixel-interleaved (per thread): the input transform
/// (`transform`) and its adjoint, the input gradient (`transformAdjoint`).
///
/// The input transform needs a zero border and writes only the interior, so the border stays zero
/// from one call to the next; the adjoint adds into the whole padded plane, border included, and
/// marks it so that a following input transform clears it first.
final class ImageLaneInput<T: WinogradTile> {
    let h: Int, w: Int, tilesY: Int, tilesX: Int, padding: (Int, Int)
    let rows: Int, width: Int
    let pixels: UnsafeMutablePointer<TileLanes>  // [padded row][padded column]
    let block: UnsafeMutablePointer<TileLanes>  // α×α
    /// Whether an adjoint left values outside the interior.
    private var borderUsed = false

    init(h: Int, w: Int, tilesY: Int, tilesX: Int, padding: (Int, Int)) {
        self.h = h
        self.w = w
        self.tilesY = tilesY
        self.tilesX = tilesX
        self.padding = padding
        rows = tilesY * T.m + 2
        width = tilesX * T.m + 2
        pixels = .allocate(capacity: rows * width)
        pixels.initialize(repeating: .zero, count: rows * width)
        block = .allocate(capacity: T.alpha * T.alpha)
    }

    deinit {
        pixels.deallocate()
        block.deallocate()
    }

    /// Position ξ of tile t of lane l goes to `dst + ξ·positionStride + t·tileStride + l`.
    func transform(
        _ plane: (Int) -> UnsafePointer<Float>, lanes: Int, into dst: UnsafeMutablePointer<Float>, tileStride: Int, positionStride: Int
    ) {
        let m = T.m, a = T.alpha
        if borderUsed {
            pixels.update(repeating: .zero, count: rows * width)
            borderUsed = false
        }
        ImageLanes.interleave(plane, lanes: lanes, h: h, w: w, into: pixels, rows: rows, width: width, top: padding.0, left: padding.1)
        for ty in 0..<tilesY {
            for tx in 0..<tilesX {
                let origin = pixels + ty * m * width + tx * m
                for i in 0..<a {
                    for j in 0..<a { block[i * a + j] = origin[i * width + j] }
                    T.inputTransform(block + i * a, stride: 1)
                }
                for l in 0..<a { T.inputTransform(block + l, stride: a) }
                let out = dst + (ty * tilesX + tx) * tileStride
                for xi in 0..<(a * a) { ImageLanes.store(block[xi], out + xi * positionStride, lanes: lanes) }
            }
        }
    }
}

extension ImageLaneInput {
    /// The input gradient: reads position ξ of tile t of lane l from `src + ξ·positionStride +
    /// t·tileStride + l` (all eight lanes: the matrices are padded), adds each tile's `B dV Bᵀ` into
    /// the padded plane (neighbouring tiles overlap by two pixels) and writes its interior to the
    /// H×W plane `plane(l)`.
    func transformAdjoint(
        _ src: UnsafePointer<Float>, tileStride: Int, positionStride: Int, lanes: Int, into plane: (Int) -> UnsafeMutablePointer<Float>
    ) {
        let m = T.m, a = T.alpha
        pixels.update(repeating: .zero, count: rows * width)
        borderUsed = true
        for ty in 0..<tilesY {
            for tx in 0..<tilesX {
                let from = src + (ty * tilesX + tx) * tileStride
                for xi in 0..<(a * a) { block[xi] = loadLanes(from + xi * positionStride) }
                for l in 0..<a { T.inputTransformAdjoint(block + l, stride: a) }
                let to = pixels + ty * m * width + tx * m
                for i in 0..<a {
                    T.inputTransformAdjoint(block + i * a, stride: 1)
                    for j in 0..<a { to[i * width + j] += block[i * a + j] }
                }
            }
        }
        // The padding's gradients are dropped; the plane always lies inside (rows ≥ H + top).
        let floats = UnsafeRawPointer(pixels).assumingMemoryBound(to: Float.self)
        let (top, left) = padding
        for l in 0..<lanes {
            let out = plane(l)
            for y in 0..<h {
                let from = floats + ((y + top) * width + left) * 8 + l, to = out + y * w
                for x in 0..<w { to[x] = from[x * 8] }
            }
        }
    }
}

/// The output transform for eight images of one output channel: the m×m results of every tile
/// are gathered pixel-interleaved, then each image's plane is written out and finished.
final class ImageLaneOutput<T: WinogradTile> {
    let tilesY: Int, tilesX: Int, width: Int
    let pixels: UnsafeMutablePointer<TileLanes>  // [tilesY·m][tilesX·m]
    let block: UnsafeMutablePointer<TileLanes>  // α×α

    init(tilesY: Int, tilesX: Int) {
        self.tilesY = tilesY
        self.tilesX = tilesX
        width = tilesX * T.m
        pixels = .allocate(capacity: tilesY * T.m * width)
        block = .allocate(capacity: T.alpha * T.alpha)
    }

    deinit {
        pixels.deallocate()
        block.deallocate()
    }

    /// Reads position ξ of tile t of lane l from `src + ξ·positionStride + t·tileStride + l` (all
    /// eight lanes: the matrices are padded), writes the OH×OW plane `plane(l)` of `y` and finishes it.
    func transform(
        _ src: UnsafePointer<Float>, tileStride: Int, positionStride: Int, lanes: Int, into y: UnsafeMutablePointer<Float>,
        plane: (Int) -> Int, oh: Int, ow: Int, finishing pass: OutputPass
    ) {
        let m = T.m, a = T.alpha
        for ty in 0..<tilesY {
            for tx in 0..<tilesX {
                let from = src + (ty * tilesX + tx) * tileStride
                for xi in 0..<(a * a) { block[xi] = loadLanes(from + xi * positionStride) }
                for l in 0..<a { T.outputTransform(block + l, stride: a) }
                let to = pixels + ty * m * width + tx * m
                for r in 0..<m {
                    T.outputTransform(block + r * a, stride: 1)
                    for s in 0..<m { to[r * width + s] = block[r * a + s] }
                }
            }
        }
        let floats = UnsafeRawPointer(pixels).assumingMemoryBound(to: Float.self)
        for l in 0..<lanes {
            let p = plane(l), out = y + p * oh * ow
            for row in 0..<oh {
                let from = floats + row * width * 8 + l, to = out + row * ow
                for x in 0..<ow { to[x] = from[x * 8] }
            }
            if !pass.isIdentity { pass.finish(y, plane: p, from: 0, count: oh * ow) }
        }
    }
}

/// The output-gradient transform (`A dY Aᵀ`) for eight images of one output channel: zero past
/// the plane's edge, where the forward pass cropped its tiles.
final class ImageLaneOutputGradient<T: WinogradTile> {
    let oh: Int, ow: Int, tilesY: Int, tilesX: Int, rows: Int, width: Int
    let pixels: UnsafeMutablePointer<TileLanes>  // [tilesY·m][tilesX·m]
    let block: UnsafeMutablePointer<TileLanes>  // α×α

    init(oh: Int, ow: Int, tilesY: Int, tilesX: Int) {
        self.oh = oh
        self.ow = ow
        self.tilesY = tilesY
        self.tilesX = tilesX
        rows = tilesY * T.m
        width = tilesX * T.m
        pixels = .allocate(capacity: rows * width)
        pixels.initialize(repeating: .zero, count: rows * width)
        block = .allocate(capacity: T.alpha * T.alpha)
    }

    deinit {
        pixels.deallocate()
        block.deallocate()
    }

    /// Position ξ of tile t of lane l goes to `dst + ξ·positionStride + t·tileStride + l`.
    func transform(
        _ plane: (Int) -> UnsafePointer<Float>, lanes: Int, into dst: UnsafeMutablePointer<Float>, tileStride: Int, positionStride: Int
    ) {
        let m = T.m, a = T.alpha
        ImageLanes.interleave(plane, lanes: lanes, h: oh, w: ow, into: pixels, rows: rows, width: width, top: 0, left: 0)
        for ty in 0..<tilesY {
            for tx in 0..<tilesX {
                let origin = pixels + ty * m * width + tx * m
                for r in 0..<m {
                    for s in 0..<m { block[r * a + s] = origin[r * width + s] }
                    T.outputTransformAdjoint(block + r * a, stride: 1)
                }
                for l in 0..<a { T.outputTransformAdjoint(block + l, stride: a) }
                let out = dst + (ty * tilesX + tx) * tileStride
                for xi in 0..<(a * a) { ImageLanes.store(block[xi], out + xi * positionStride, lanes: lanes) }
            }
        }
    }
}

extension Winograd {
    /// `V[ξ][c][tile · images + image]` for `images` (≥ 8) images from `first` on, eight images
    /// of one channel per task.
    func transformInputsByImageLanes(
        _ x: UnsafePointer<Float>, first: Int, images: Int, c: Int, h: Int, w: Int, padding: (Int, Int), tilesY: Int, tilesX: Int,
        into v: UnsafeMutablePointer<Float>, positionStride: Int
    ) {
        func run<T: WinogradTile>(_: T.Type) {
            let groups = (images + 7) / 8, columns = images * tilesY * tilesX
            Parallel.ranges(c * groups) { tasks in
                let scratch = ImageLaneInput<T>(h: h, w: w, tilesY: tilesY, tilesX: tilesX, padding: padding)
                for task in tasks {
                    let (ci, group) = task.quotientAndRemainder(dividingBy: groups)
                    let image = first + group * 8
                    scratch.transform(
                        { l in x + ((image + l) * c + ci) * h * w }, lanes: min(8, images - group * 8), into: v + ci * columns + group * 8,
                        tileStride: images, positionStride: positionStride)
                }
            }
        }
        switch self {
        case .f2: run(WinogradF2.self)
        case .f4: run(WinogradF4.self)
        }
    }

    /// `M[ξ][oc][tile · images + image]` → the output planes of those images, finished.
    func transformOutputsByImageLanes(
        _ product: UnsafePointer<Float>, first: Int, images: Int, oc: Int, tilesY: Int, tilesX: Int, positionStride: Int,
        into y: UnsafeMutablePointer<Float>, oh: Int, ow: Int, finishing pass: OutputPass
    ) {
        func run<T: WinogradTile>(_: T.Type) {
            let groups = (images + 7) / 8, columns = images * tilesY * tilesX
            Parallel.ranges(oc * groups) { tasks in
                let scratch = ImageLaneOutput<T>(tilesY: tilesY, tilesX: tilesX)
                for task in tasks {
                    let (o, group) = task.quotientAndRemainder(dividingBy: groups)
                    let image = first + group * 8
                    scratch.transform(
                        product + o * columns + group * 8, tileStride: images, positionStride: positionStride,
                        lanes: min(8, images - group * 8), into: y, plane: { l in (image + l) * oc + o }, oh: oh, ow: ow, finishing: pass)
                }
            }
        }
        switch self {
        case .f2: run(WinogradF2.self)
        case .f4: run(WinogradF4.self)
        }
    }

    /// `Z[ξ][oc][tile · images + image] = (A dY Aᵀ)[ξ]` for `images` (≥ 8) images from `first` on.
    func transformOutputGradientsByImageLanes(
        _ dy: UnsafePointer<Float>, first: Int, images: Int, oc: Int, oh: Int, ow: Int, tilesY: Int, tilesX: Int,
        into z: UnsafeMutablePointer<Float>, positionStride: Int
    ) {
        func run<T: WinogradTile>(_: T.Type) {
            let groups = (images + 7) / 8, columns = images * tilesY * tilesX
            Parallel.ranges(oc * groups) { tasks in
                let scratch = ImageLaneOutputGradient<T>(oh: oh, ow: ow, tilesY: tilesY, tilesX: tilesX)
                for task in tasks {
                    let (o, group) = task.quotientAndRemainder(dividingBy: groups)
                    let image = first + group * 8
                    scratch.transform(
                        { l in dy + ((image + l) * oc + o) * oh * ow }, lanes: min(8, images - group * 8), into: z + o * columns + group * 8,
                        tileStride: images, positionStride: positionStride)
                }
            }
        }
        switch self {
        case .f2: run(WinogradF2.self)
        case .f4: run(WinogradF4.self)
        }
    }
}

extension Winograd {
    /// `dV[ξ][c][tile · images + image]` → the input gradients of those images (`[N, C, H, W]`
    /// planes, overwritten), eight images of one channel per task.
    func transformInputGradientsByImageLanes(
        _ dv: UnsafePointer<Float>, first: Int, images: Int, c: Int, h: Int, w: Int, padding: (Int, Int), tilesY: Int, tilesX: Int,
        positionStride: Int, into dx: UnsafeMutablePointer<Float>
    ) {
        func run<T: WinogradTile>(_: T.Type) {
            let groups = (images + 7) / 8, columns = images * tilesY * tilesX
            Parallel.ranges(c * groups) { tasks in
                let scratch = ImageLaneInput<T>(h: h, w: w, tilesY: tilesY, tilesX: tilesX, padding: padding)
                for task in tasks {
                    let (ci, group) = task.quotientAndRemainder(dividingBy: groups)
                    let image = first + group * 8
                    scratch.transformAdjoint(
                        dv + ci * columns + group * 8, tileStride: images, positionStride: positionStride,
                        lanes: min(8, images - group * 8), into: { l in dx + ((image + l) * c + ci) * h * w })
                }
            }
        }
        switch self {
        case .f2: run(WinogradF2.self)
        case .f4: run(WinogradF4.self)
        }
    }
}
