/// fastai v1's `crop_pad` (`_crop_pad_default`): a `size×size` window of channel planes whose top-left corner is
/// `row = int((H − size + 1)·row_pct)`, `col = int((W − size + 1)·col_pct)`; an image smaller than the window is
/// first padded on both sides by `(size − n + 1) // 2` with torch's `reflect` mode (the edge is not repeated).
/// `row_pct`/`col_pct` of exactly 1 become `1 − 1e-7` (`_minus_epsilon`). 0.5 is the centre crop of validation.
public enum CropPad {
    /// The cropped (and if needed padded) `channels×size×size` planes.
    public static func crop(
        _ planes: [Float], channels: Int, height: Int, width: Int, size: Int, rowPct: Double = 0.5, colPct: Double = 0.5
    ) throws(DataError) -> [Float] {
        guard planes.count == channels * height * width, size >= 1 else {
            throw DataError("\(channels) planes of \(height)×\(width) need \(channels * height * width) values, got \(planes.count)")
        }
        if height == size && width == size { return planes }
        let rp = rowPct == 1 ? rowPct - 1e-7 : rowPct
        let cp = colPct == 1 ? colPct - 1e-7 : colPct
        let rowPad = max((size - height + 1) / 2, 0), colPad = max((size - width + 1) / 2, 0)
        guard rowPad < max(height, 1) || rowPad == 0, colPad < max(width, 1) || colPad == 0 else {
            // torch's reflect padding needs the padding smaller than the side, and fails otherwise.
            throw DataError("a \(height)×\(width) image is too small to reflect-pad to \(size)×\(size) (torch refuses a pad ≥ the side)")
        }
        let (ph, pw) = (height + 2 * rowPad, width + 2 * colPad)
        let row = Int(Double(ph - size + 1) * rp), col = Int(Double(pw - size + 1) * cp)
        func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i }
        var out = [Float](repeating: 0, count: channels * size * size)
        for c in 0..<channels {
            for y in 0..<size {
                let sy = reflect(row + y - rowPad, height)
                for x in 0..<size {
                    let sx = reflect(col + x - colPad, width)
                    out[(c * size + y) * size + x] = planes[(c * height + sy) * width + sx]
                }
            }
        }
        return out
    }
}
