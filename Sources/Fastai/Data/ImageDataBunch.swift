import Tensors

/// fastai v1's `ImageDataBunch` over image files: the split, and one loader per set yielding `ImageBatch`es of
/// `[B, 3, size, size]` — what `fit` iterates (`train` shuffled with `drop_last`, `valid` in order, every image).
public struct ImageDataBunch: Sendable {
    /// Classes, items and the dropped validation items.
    public let split: ImageSplit
    /// `data.train_dl`.
    public var train: ImageFileLoader
    /// `data.valid_dl`.
    public var valid: ImageFileLoader

    /// `data.classes`.
    public var classes: [String] { split.classes }
    /// `data.c`.
    public var c: Int { split.c }

    /// Loaders of `batchSize` images of `size×size` over `split`, normalised by `normalization` (nil: raw `/255`).
    /// `seed` fixes the training shuffle and augmentations; `transforms` gives the training set
    /// `get_transforms()` (validation always gets resize and centre crop); `workers` threads decode ahead.
    public init(
        split: ImageSplit, size: Int, batchSize: Int, normalization: Normalization?, seed: UInt64 = 0, transforms: Bool = false,
        workers: Int = 1
    ) throws(DataError) {
        guard workers >= 0 else { throw DataError("the number of workers must be 0 or more, got \(workers)") }
        self.split = split
        train = try ImageFileLoader(
            items: split.train, labels: split.labelIndices(split.train), batchSize: batchSize, shuffle: true, dropLast: true,
            size: size, normalization: normalization, seed: seed)
        valid = try ImageFileLoader(
            items: split.valid, labels: split.labelIndices(split.valid), batchSize: batchSize, shuffle: false,
            dropLast: false, size: size, normalization: normalization, seed: seed)
        train.transforms = transforms
        train.workers = workers
        valid.workers = workers
    }

    /// `normalize()` without stats: the statistics of one un-normalised training batch (`batch_stats`).
    public func statisticsOfOneBatch() throws(DataError) -> Normalization {
        var raw = train
        raw.normalization = nil
        guard let first = raw.epoch().first else { throw DataError("no training batch to take statistics from") }
        return try Normalization.statistics(of: raw.batch(first).images)
    }
}
