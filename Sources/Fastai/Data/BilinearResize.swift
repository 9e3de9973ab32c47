import Foundation
import Tensors

/// fastai v1's resize of an image to `size` (`Image.apply_tfms` with an int size): a grid from
/// `_affine_grid` (`torch.linspace(−1, 1, n)` per axis) sampled by `F.grid_sample` bilinear with
/// `align_corners=True`, in float32 and in torch's CPU kernel's operation order.
///
/// When the output is less than half the input, fastai first shrinks by area averaging (`_grid_sample`:
/// `d = min(h_in/h_out, w_in/w_out)/2`; above 1, `F.interpolate(scale_factor=1/d, mode='area')`, whose output
/// is `floor(n·(1/d))` per side, i.e. `adaptive_avg_pool2d` to that size). A square image needs no crop (the
/// crop `crop_pad` would apply is the whole resized image).
public enum BilinearResize {
    /// `_get_resize_target(img, (size, size), do_crop=True)`: the shorter side becomes `size`, the other keeps the
    /// aspect ratio, each rounded as Python's `round` does (half to even).
    public static func cropTarget(height: Int, width: Int, size: Int) -> (height: Int, width: Int) {
        let ratio = min(Double(height) / Double(size), Double(width) / Double(size))
        return (Int((Double(height) / ratio).rounded(.toNearestOrEven)), Int((Double(width) / ratio).rounded(.toNearestOrEven)))
    }

    /// `Image.apply_tfms(size=size)` for an int size, before the crop: channel planes (C×H×W) resized so the
    /// shorter side is `size` (none when the target is the image's own size, as `Image.resize` skips it).
    public static func resizeShorterSide(
        _ planes: [Float], channels: Int, height: Int, width: Int, size: Int
    ) throws(DataError) -> (pixels: [Float], height: Int, width: Int) {
        guard size >= 2 else {
            // A 1-pixel grid has max − min = 0, and fastai's `_grid_sample` divides by it (ZeroDivisionError).
            throw DataError("the image size must be at least 2 (fastai fails on size 1), got \(size)")
        }
        guard channels >= 1, planes.count == channels * height * width else {
            throw DataError("\(channels) planes of \(height)×\(width) need \(channels * height * width) values, got \(planes.count)")
        }
        let (th, tw) = cropTarget(height: height, width: width, size: size)
        if th == height && tw == width { return (planes, height, width) }
        let n = height * width
        var out: [Float] = []
        out.reserveCapacity(channels * th * tw)
        for c in 0..<channels {
            out += try resize(Array(planes[(c * n)..<((c + 1) * n)]), height: height, width: width, outHeight: th, outWidth: tw)
        }
        return (out, th, tw)
    }

    /// The size `F.interpolate(scale_factor=1/d, mode='area')` shrinks to before sampling, or nil when fastai
    /// samples the image as it is (`d ≤ 1`; the zoom `z` is 1 for a plain resize, so `d > z` adds nothing).
    public static func areaShrinkSize(height: Int, width: Int, outHeight: Int, outWidth: Int) -> (height: Int, width: Int)? {
        let d = min(Double(height) / Double(outHeight), Double(width) / Double(outWidth)) / 2
        guard d > 1 else { return nil }
        let scale = 1 / d
        return (Int((Double(height) * scale).rounded(.down)), Int((Double(width) * scale).rounded(.down)))
    }

    /// Resizes one `height×width` channel to `outHeight×outWidth`.
    public static func resize(
        _ plane: [Float], height: Int, width: Int, outHeight: Int, outWidth: Int
    ) throws(DataError) -> [Float] {
        guard plane.count == height * width, height >= 1, width >= 1 else {
            throw DataError("a \(height)×\(width) image needs \(height * width) pixels, got \(plane.count)")
        }
        guard outHeight >= 1, outWidth >= 1 else { throw DataError("cannot resize to \(outHeight)×\(outWidth)") }
        // fastai's _grid_sample: d = min(h_in/h_out, w_in/w_out)/2; above 1 it area-shrinks first.
        if let (sh, sw) = areaShrinkSize(height: height, width: width, outHeight: outHeight, outWidth: outWidth) {
            guard sh >= 1, sw >= 1 else {
                throw DataError("resizing \(height)×\(width) to \(outHeight)×\(outWidth) shrinks a side to nothing")
            }
            let shrunk: Tensor
            do {
                shrunk = try Tensor.adaptiveAvgPool2d(
                    Tensor(shape: [1, 1, height, width], storage: plane), outputSize: (sh, sw))
            } catch { throw DataError("area shrink of \(height)×\(width) to \(sh)×\(sw): \(error)") }
            return try sample(shrunk.storage, height: sh, width: sw, outHeight: outHeight, outWidth: outWidth)
        }
        return try sample(plane, height: height, width: width, outHeight: outHeight, outWidth: outWidth)
    }

    /// `F.grid_sample` of fastai's `_affine_grid`, bilinear with align_corners=True.
    static func sample(
        _ plane: [Float], height: Int, width: Int, outHeight: Int, outWidth: Int
    ) throws(DataError) -> [Float] {
        let xs = sourceCoordinates(count: outWidth, size: width)
        let ys = sourceCoordinates(count: outHeight, size: height)
        func at(_ y: Int, _ x: Int) -> Float { (0..<height).contains(y) && (0..<width).contains(x) ? plane[y * width + x] : 0 }
        var out = [Float](repeating: 0, count: outHeight * outWidth)
        for (oy, y) in ys.enumerated() {
            let yN = y.rounded(.down)
            let n = y - yN, s = 1 - n
            let iy = Int(yN)
            for (ox, x) in xs.enumerated() {
                let xW = x.rounded(.down)
                let w = x - xW, e = 1 - w
                let ix = Int(xW)
                let nw = s * e, ne = s * w, sw = n * e, se = n * w
                out[oy * outWidth + ox] = at(iy, ix) * nw + at(iy, ix + 1) * ne + at(iy + 1, ix) * sw + at(iy + 1, ix + 1) * se
            }
        }
        return out
    }

    /// The pixel coordinate each output column (or row) samples: torch's `linspace(−1, 1, count)`
    /// unnormalised with align_corners (`(g + 1)·(size − 1)/2`), reflected into range as torch does
    /// (a no-op here but for rounding) and clipped.
    static func sourceCoordinates(count: Int, size: Int) -> [Float] {
        let grid: [Float]
        if count == 1 {
            grid = [-1]
        } else {
            let step = Float(2) / Float(count - 1)
            let half = count / 2
            grid = (0..<count).map { i in i < half ? -1 + step * Float(i) : 1 - step * Float(count - i - 1) }
        }
        let scale = Float(size - 1) / 2
        return grid.map { g in min(max((g + 1) * scale, 0), Float(size - 1)) }
    }

    /// torch's `linspace(−1, 1, count)` in float32 (`[−1]` for one point, as `_affine_grid`).
    static func linspace(_ count: Int) -> [Float] {
        if count == 1 { return [-1] }
        let step = Float(2) / Float(count - 1)
        let half = count / 2
        return (0..<count).map { i in i < half ? -1 + step * Float(i) : 1 - step * Float(count - i - 1) }
    }

    /// `F.grid_sample` of one plane at an arbitrary grid (`(x, y)` pairs in [−1, 1] units, row-major over the
    /// output), bilinear, `padding_mode='reflection'`, `align_corners=True`: coordinates are reflected about the
    /// first and last pixel centres (torch's `reflect_coordinates`), then clipped.
    static func sampleReflecting(_ plane: [Float], height: Int, width: Int, grid: [Float]) -> [Float] {
        sampleReflecting(plane, channels: 1, height: height, width: width, grid: grid)
    }

    /// The same for `channels` planes of `height×width` one after another: each grid point's reflected
    /// coordinates and weights are worked out once and used for every plane (the arithmetic per plane is the
    /// single-plane one, so the values are the same).
    static func sampleReflecting(_ planes: [Float], channels: Int, height: Int, width: Int, grid: [Float]) -> [Float] {
        func reflect(_ v: Float, _ size: Int) -> Float {
            guard size > 1 else { return 0 }
            let span = Float(size - 1)
            // Inside [0, span] torch's reflect_coordinates returns v itself (fmod is v, or 0 with one flip at span).
            if v >= 0 && v <= span { return v }
            let a = abs(v)
            let extra = fmodf(a, span)
            let flips = Int((a / span).rounded(.down))
            let r = flips % 2 == 0 ? extra : span - extra
            return min(max(r, 0), span)
        }
        let count = grid.count / 2, plane = height * width
        var out = [Float](repeating: 0, count: channels * count)
        planes.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for k in 0..<count {
                    let x = reflect((grid[2 * k] + 1) / 2 * Float(width - 1), width)
                    let y = reflect((grid[2 * k + 1] + 1) / 2 * Float(height - 1), height)
                    let (x0, y0) = (x.rounded(.down), y.rounded(.down))
                    let (e, n) = (x - x0, y - y0)
                    let (ix, iy) = (Int(x0), Int(y0))
                    let (w00, w01, w10, w11) = ((1 - e) * (1 - n), e * (1 - n), (1 - e) * n, e * n)
                    let right = ix + 1 < width, below = iy + 1 < height
                    for c in 0..<channels {
                        let base = c * plane + iy * width + ix
                        // Out-of-range neighbours count as 0, as grid_sample's zero weight on them.
                        let v00 = p[base], v01 = right ? p[base + 1] : 0
                        let v10 = below ? p[base + width] : 0, v11 = right && below ? p[base + width + 1] : 0
                        o[c * count + k] = v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11
                    }
                }
            }
        }
        return out
    }
}
