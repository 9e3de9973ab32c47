import Foundation
import Tensors

/// One draw of fastai v1's `get_transforms()` for one image: what each random transform resolved to (nil or
/// false when its `p` said not to run). `Augmentation.apply` turns it into pixels.
public struct Augmentation: Sendable, Equatable {
    /// `flip_lr` (p = 0.5).
    public var flip = false
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
    /// `symmetric_warp` (p = 0.75, magnitude ~ U(−0.2, 0.2)) is not implemented.
    public init(drawingFrom generator: inout RandomGenerator) {
        func u(_ a: Double, _ b: Double) -> Double { a + (b - a) * generator.nextUniform() }
        cropRowPct = u(0, 1)
        cropColPct = u(0, 1)
        flip = u(0, 1) < 0.5
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
        a.flip == b.flip && a.rotateDegrees == b.rotateDegrees && a.zoom.map { [$0.scale, $0.rowPct, $0.colPct] }
            == b.zoom.map { [$0.scale, $0.rowPct, $0.colPct] } && a.brightness == b.brightness && a.contrast == b.contrast
            && a.cropRowPct == b.cropRowPct && a.cropColPct == b.cropColPct
    }

    /// `Image.apply_tfms(tfms, size=size)` on `open_image`'s planes (3×H×W in [0, 1]) with this draw, in v1's
    /// order: the resize target (shorter side = size), the affine matrix `M = rotate @ zoom` applied to the
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
        var (x, h, w) = (planes, height, width)
        if affine || th != height || tw != width {
            m[0][1] *= Float(Double(th) / Double(tw))
            m[1][0] *= Float(Double(tw) / Double(th))
            let xs = BilinearResize.linspace(tw), ys = BilinearResize.linspace(th)
            var grid = [Float](repeating: 0, count: th * tw * 2)
            for i in 0..<th {
                for j in 0..<tw {
                    let (gx, gy) = (xs[j], ys[i])
                    grid[(i * tw + j) * 2] = affine ? m[0][2] + gx * m[0][0] + gy * m[0][1] : gx
                    grid[(i * tw + j) * 2 + 1] = affine ? m[1][2] + gx * m[1][0] + gy * m[1][1] : gy
                }
            }
            let (mn, mx) = (grid.min() ?? -1, grid.max() ?? 1)
            let zoomIn = 1 / Double(mx - mn) * 2
            let d = min(Double(height) / Double(th), Double(width) / Double(tw)) / 2
            var out: [Float] = []
            for c in 0..<channels {
                var plane = Array(x[(c * h * w)..<((c + 1) * h * w)])
                var (ph, pw) = (h, w)
                if d > 1 && d > zoomIn {
                    let (sh, sw) = (Int((Double(h) * (1 / d)).rounded(.down)), Int((Double(w) * (1 / d)).rounded(.down)))
                    do {
                        plane = try Tensor.adaptiveAvgPool2d(Tensor(shape: [1, 1, h, w], storage: plane), outputSize: (sh, sw)).storage
                    } catch { throw DataError("area shrink of \(h)×\(w) to \(sh)×\(sw): \(error)") }
                    (ph, pw) = (sh, sw)
                }
                out += BilinearResize.sampleReflecting(plane, height: ph, width: pw, grid: grid)
            }
            (x, h, w) = (out, th, tw)
        }
        if brightness != nil || contrast != nil {
            let add = brightness.map { Float(log($0 / (1 - $0))) }
            let mul = contrast.map { Float($0) }
            x = x.map { v in
                var l = log(v / (1 - v))
                if let add { l = l + add }
                if let mul { l = l * mul }
                return 1 / (1 + exp(-l))
            }
        }
        if flip {
            for c in 0..<channels { for i in 0..<h { x[((c * h + i) * w)..<((c * h + i + 1) * w)].reverse() } }
        }
        return try CropPad.crop(x, channels: channels, height: h, width: w, size: size, rowPct: cropRowPct, colPct: cropColPct)
    }
}
