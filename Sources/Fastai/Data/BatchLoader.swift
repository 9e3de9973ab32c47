/// What fastai's training loop iterates: a `DataLoader`. `fit`, `lr_find`, `validate` and `get_preds` read
/// every loader through this, so Fashion-MNIST (`ImageLoader`) and folders of photos (`ImageFileLoader`)
/// share one loop.
public protocol BatchLoader: Sendable {
    /// `len(dl)`: batches per epoch.
    var batchCount: Int { get }

    /// Starts the next epoch. Everything random about it — the shuffle, each image's augmentation — is drawn
    /// here, on the caller's thread and in a fixed order, so the batches do not depend on how many threads
    /// later decode them. The batches themselves are made as the stream is read.
    mutating func makeEpoch() -> BatchStream

    /// The batch holding these items, in this order, without augmentation.
    func batch(_ indices: [Int]) throws -> ImageBatch

    /// `len(dl.dataset)`: the items it serves.
    var itemCount: Int { get }
    /// The side of the square images it makes.
    var size: Int { get }
    /// The per-channel normalisation its batches carry (nil: raw `/255` values), to undo for pictures.
    var normalization: Normalization? { get }
}
