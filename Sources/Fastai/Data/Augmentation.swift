import Foundation
import Tensors

/// One draw of fastai v1's `get_transforms()` for one image: what each random transform resolved to (nil or
/// false when its `p` said not to run). `Augmentation.apply` turns it into pixels.
public struct Augmentation: Sendable, Equatable {
    /// `flip_lr` (p = 0.5).
    public var flip = false
    /// `symmetric_warp(magnitude ~ U(−0.2, 0.2) × 4)` (p = 0.75): the four magnitudes.
    public var warp: [Double]?
    /// `rotate(degrees ~ U(−10, 10))` (p = 0.75).
    public var rotateDegrees: Double?
    /// `rand_zoom(scale ~ U(1, 1.1), row_pct, col_pct ~ U(0, 1))` (p = 0.75).
    public var zoom: (scale: Double, rowPct: Double, colPct: Double)?
    /// `brightness(change ~ U(0.4, 0.6))` (p = 0.75).
    public var brightness: Double?
    /// `contrast(scale ~ logU(0.8, 1.25))` (p = 0.75).
    public var contrast: Double?
    /// `rand_crop()`: `crop_pad(row_pct, col_pct ~ U(0, 1))` (p = 1); (0.5, 0.5) is validation's centre crop.
    public var cropRowPct = 0.5
    /// See `cropRowPct`.
    public var cropColPct = 0.5

    /// No augmentation: resize and centre crop only (validation, or training without `ds_tfms`).
    public init() {}

    /// A draw with v1's defaults (`get_transforms(do_flip=True, max_rotate=10, max_zoom=1.1, max_lighting=0.2,
    /// p_affine=0.75, p_lighting=0.75)`), from `generator` (LearnerLens's own: seeded, not Python's `random`).
    public init(drawingFrom generator: inout RandomGenerator) {
        func u(_ a: Double, _ b: Double) -> Double { a + (b - a) * generator.nextUniform() }
        cropRowPct = u(0, 1)
        cropColPct = u(0, 1)
        flip = u(0, 1) < 0.5
        let magnitudes = (0..<4).map { _ in u(-0.2, 0.2) }
        warp = u(0, 1) < 0.75 ? magnitudes : nil
        let degrees = u(-10, 10)
        rotateDegrees = u(0, 1) < 0.75 ? degrees : nil
        let z = (u(1, 1.1), u(0, 1), u(0, 1))
        zoom = u(0, 1) < 0.75 ? z : nil
        let change = u(0.4, 0.6)
        brightness = u(0, 1) < 0.75 ? change : nil
        let scale = exp(u(log(0.8), log(1.25)))
        contrast = u(0, 1) < 0.75 ? scale : nil
    }

    public static func == (a: Augmentation, b: Augmentation) -> Bool {
        a.flip == b.flip && a.warp == b.warp && a.rotateDegrees == b.rotateDegrees
            && a.zoom.map { [$0.scale, $0.rowPct, $0.colPct] }
                == b.zoom.map { [$0.scale, $0.rowPct, $0.colPct] }
            && a.brightness == b.brightness && a.contrast == b.contrast
            && a.cropRowPct == b.cropRowPct && a.cropColPct == b.cropColPct
    }

    /// `Image.apply_tfms(tfms, size=size)` on `open_image`'s planes (3×H×W in [0, 1]) with this draw, in v1's
    /// order: the resize target (shorter side = size), `symmetric_warp`'s perspective map on its flow, the affine matrix `M = rotate @ zoom` applied to the
    /// `_affine_grid` flow (`_affine_mult`, with its `h/w` fix of the off-diagonal terms), one `grid_sample`
    /// (bilinear, reflection, align_corners; area pre-shrink when `d > 1` and `d > z = 2/(max − min)` of the
    /// flow), lighting in logit space (`+ logit(change)`, `× scale`, sigmoid), `flip_lr`, then `crop_pad`.
    public func apply(_ planes: [Float], channels: Int, height: Int, width: Int, size: Int) throws(DataError) -> [Float] {
        guard size >= 2, channels >= 1, planes.count == channels * height * width else {
            throw DataError("\(channels) planes of \(height)×\(width) need \(channels * height * width) values and a size ≥ 2")
        }
        let (th, tw) = BilinearResize.cropTarget(height: height, width: width, size: size)
        var m: [[Float]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        func times(_ a: [[Float]], _ b: [[Float]]) -> [[Float]] {
            (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(Float(0)) { $0 + a[i][$1] * b[$1][j] } } }
        }
        if let degrees = rotateDegrees {
            let a = degrees * Double.pi / 180
            let (c, s) = (Float(cos(a)), Float(sin(a)))
            m = times(m, [[c, -s, 0], [s, c, 0], [0, 0, 1]])
        }
        if let z = zoom {
            let s = 1 - 1 / z.scale
            let (col, row) = (Float(s * (2 * z.colPct - 1)), Float(s * (2 * z.rowPct - 1)))
            m = times(m, [[Float(1 / z.scale), 0, col], [0, Float(1 / z.scale), row], [0, 0, 1]])
        }
        let affine = rotateDegrees != nil || zoom != nil
        let perspective = try warp.map { m throws(DataError) in try Self.symmetricWarpCoefficients(m) }
        var (x, h, w) = (planes, height, width)
        if affine || perspective != nil || th != height || tw != width {
            m[0][1] *= Float(Double(th) / Double(tw))
            m[1][0] *= Float(Double(tw) / Double(th))
            let xs = BilinearResize.linspace(tw), ys = BilinearResize.linspace(th)
            var grid = [Float](repeating: 0, count: th * tw * 2)
            let (m00, m01, m02, m10, m11, m12) = (m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2])
            let c = perspective ?? [1, 0, 0, 0, 1, 0, 0, 0, 1]
            let (c0, c1, c2, c3, c4, c5, c6, c7, c8) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8])
            let warped = perspective != nil
            grid.withUnsafeMutableBufferPointer { g in
                for i in 0..<th {
                    for j in 0..<tw {
                        var (gx, gy) = (xs[j], ys[i])
                        if warped {
                            // _apply_perspective: (x, y, 1) through the 3×3 matrix of the coefficients, divided by the third.
                            let u = c2 + gx * c0 + gy * c1, v = c5 + gx * c3 + gy * c4, q = c8 + gx * c6 + gy * c7
                            (gx, gy) = (u * (1 / q), v * (1 / q))
                        }
                        g[(i * tw + j) * 2] = affine ? m02 + gx * m00 + gy * m01 : gx
                        g[(i * tw + j) * 2 + 1] = affine ? m12 + gx * m10 + gy * m11 : gy
                    }
                }
            }
            let (mn, mx) = (grid.min() ?? -1, grid.max() ?? 1)
            let zoomIn = 1 / Double(mx - mn) * 2
            let d = min(Double(height) / Double(th), Double(width) / Double(tw)) / 2
            var (ph, pw) = (h, w)
            if d > 1 && d > zoomIn {
                let (sh, sw) = (Int((Double(h) * (1 / d)).rounded(.down)), Int((Double(w) * (1 / d)).rounded(.down)))
                do {
                    x = try Tensor.adaptiveAvgPool2d(Tensor(shape: [1, channels, h, w], storage: x), outputSize: (sh, sw)).storage
                } catch { throw DataError("area shrink of \(h)×\(w) to \(sh)×\(sw): \(error)") }
                (ph, pw) = (sh, sw)
            }
            x = BilinearResize.sampleReflecting(x, channels: channels, height: ph, width: pw, grid: grid)
            (h, w) = (th, tw)
        }
        if flip {
            for c in 0..<channels { for i in 0..<h { x[((c * h + i) * w)..<((c * h + i + 1) * w)].reverse() } }
        }
        var cropped = try CropPad.crop(x, channels: channels, height: h, width: w, size: size, rowPct: cropRowPct, colPct: cropColPct)
        // Lighting is per pixel, so doing it after the crop (fastai: before) changes no kept value and skips the rest.
        if brightness != nil || contrast != nil {
            let add = brightness.map { Float(log($0 / (1 - $0))) }
            let mul = contrast.map { Float($0) }
            cropped = cropped.map { v in
                // fastai's logit_ clamps first: a sum of bilinear weights can land a white pixel just above 1.
                let v = Swift.min(Swift.max(v, 1e-7), 1 - 1e-7)
                var l = log(v / (1 - v))
                if let add { l = l + add }
                if let mul { l = l * mul }
                return 1 / (1 + exp(-l))
            }
        }
        return cropped
    }

    /// `_find_coeffs(_orig_pts, targ_pts)` for `_symmetric_warp(magnitude)`: the eight coefficients of the
    /// perspective map (and a final 1) solving `A·X = B` as torch's `solve` does (here by Gaussian elimination
    /// with partial pivoting, in double precision, rounded to float32 as torch's float tensors hold them).
    static func symmetricWarpCoefficients(_ m: [Double]) throws(DataError) -> [Float] {
        guard m.count == 4 else { throw DataError("symmetric_warp takes 4 magnitudes, got \(m.count)") }
        let orig: [[Double]] = [[-1, -1], [-1, 1], [1, -1], [1, 1]]
        let targ: [[Double]] = [[-1 - m[3], -1 - m[1]], [-1 - m[2], 1 + m[1]], [1 + m[3], -1 - m[0]], [1 + m[2], 1 + m[0]]]
        var a: [[Double]] = []
        var b: [Double] = []
        for (p1, p2) in zip(targ, orig) {
            a.append([p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]])
            a.append([0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]])
            b += [p2[0], p2[1]]
        }
        // float32 inputs, as FloatTensor(matrix) holds them.
        a = a.map { $0.map { Double(Float($0)) } }
        for col in 0..<8 {
            guard let pivot = (col..<8).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-12 else {
                throw DataError("symmetric_warp magnitudes \(m) give a singular system")
            }
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for r in (col + 1)..<8 {
                let f = a[r][col] / a[col][col]
                for k in col..<8 { a[r][k] -= f * a[col][k] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: 8)
        for r in stride(from: 7, through: 0, by: -1) {
            x[r] = (b[r] - ((r + 1)..<8).reduce(0) { $0 + a[r][$1] * x[$1] }) / a[r][r]
        }
        return x.map { Float($0) } + [1]
    }
}
