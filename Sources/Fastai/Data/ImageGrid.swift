import Tensors

/// `show_batch`'s picture: the images of a batch tiled row by row, un-normalised (`x·std + mean`, clipped to
/// [0, 1], `·255` rounded), with a white margin between cells and, when given, each image's title lines above it.
public enum ImageGrid {
    /// A grid of the `[B, 3, H, W]` batch, `columns` images per row (fastai's show_batch uses rows = columns),
    /// `titles` one list of lines per image or none.
    public static func picture(
        of batch: Tensor, normalization: Normalization?, columns: Int, titles: [[String]] = [], margin: Int = 2
    ) throws(DataError) -> RGBImage {
        try TitledGrid(batch: batch, normalization: normalization, titles: titles, columns: columns).picture(margin: margin)
    }
}
