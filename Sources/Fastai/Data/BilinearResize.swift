/// fastai v1's resize of an image to `size` (`Image.apply_tfms` with an int size): a grid from
/// `_affine_grid` (`torch.linspace(−1, 1, n)` per axis) sampled by `F.grid_sample` bilinear with
/// `align_corners=True`, in float32 and in torch's CPU kernel's operation order.
///
/// fastai first shrinks by area averaging when the output is less than half the input (`_grid_sample`);
/// that step is not implemented, so such sizes are refused. A square image needs no crop (the crop
/// `crop_pad` would apply is the whole resized image).
public enum BilinearResize {
    /// Resizes one `height×width` channel to `outHeight×outWidth`.
    public static func resize(
        _ plane: [Float], height: Int, width: Int, outHeight: Int, outWidth: Int
    ) throws(DataError) -> [Float] {
        guard plane.count == height * width, height >= 1, width >= 1 else {
            throw DataError("a \(height)×\(width) image needs \(height * width) pixels, got \(plane.count)")
        }
        guard outHeight >= 1, outWidth >= 1 else { throw DataError("cannot resize to \(outHeight)×\(outWidth)") }
        // fastai's _grid_sample: d = min(h_in/h_out, w_in/w_out)/2; above 1 it area-shrinks first.
        let d = min(Double(height) / Double(outHeight), Double(width) / Double(outWidth)) / 2
        guard d <= 1 else {
            throw DataError(
                "resizing \(height)×\(width) to \(outHeight)×\(outWidth) is more than 2× smaller, where fastai first "
                    + "shrinks by area averaging, which is not implemented; use at least \((height + 1) / 2)×\((width + 1) / 2)")
        }
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
}
