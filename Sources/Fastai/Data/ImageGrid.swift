import Tensors

/// `show_batch`'s picture without the matplotlib titles: the images of a batch tiled row by row, un-normalised
/// (`x·std + mean`, clipped to [0, 1], `·255` rounded), with a white margin between tiles.
public enum ImageGrid {
    /// A grid of the `[B, 3, H, W]` batch, `columns` images per row (fastai's show_batch uses rows = columns).
    public static func picture(
        of batch: Tensor, normalization: Normalization?, columns: Int, margin: Int = 2
    ) throws(DataError) -> RGBImage {
        let shape = batch.shape
        guard shape.count == 4, shape[1] == 3, shape[0] >= 1, columns >= 1, margin >= 0 else {
            throw DataError("a picture needs a [B, 3, H, W] batch and at least one column, got \(shape)")
        }
        let (b, h, w) = (shape[0], shape[2], shape[3])
        let cols = min(columns, b), rows = (b + cols - 1) / cols
        let width = cols * w + (cols + 1) * margin, height = rows * h + (rows + 1) * margin
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for i in 0..<b {
            let (r, c) = (i / cols, i % cols)
            let (top, left) = (margin + r * (h + margin), margin + c * (w + margin))
            for ch in 0..<3 {
                let (m, s) = normalization.map { ($0.mean[ch], $0.std[ch]) } ?? (0, 1)
                for y in 0..<h {
                    for x in 0..<w {
                        let v = batch.storage[((i * 3 + ch) * h + y) * w + x] * s + m
                        pixels[((top + y) * width + left + x) * 3 + ch] = UInt8((min(max(v, 0), 1) * 255).rounded())
                    }
                }
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
