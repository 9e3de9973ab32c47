import Tensors

/// A `DataLoader` over image files: each image read as `open_image` does (`ImageFile`), resized so its shorter
/// side is `size` (`BilinearResize.resizeShorterSide`: fastai's area pre-shrink and `grid_sample`), cropped to
/// `size×size` in the centre (`CropPad`, the `crop_pad()` fastai adds when no crop transform is given), then
/// normalised. With `transforms`, each training image gets its own `get_transforms()` draw instead. Images are
/// decoded batch by batch — on `workers` threads ahead of the reader (`BatchPrefetcher`) — so memory holds a few
/// batches, never the folder.
public struct ImageFileLoader: BatchLoader {
    /// The files served, with their labels.
    public let items: [LabelledImage]
    /// Per item, its class index.
    public let labels: [Int]
    /// Images per batch.
    public let batchSize: Int
    /// Whether each epoch visits the images in a new random order.
    public let shuffle: Bool
    /// Whether an incomplete last batch is left out.
    public let dropLast: Bool
    /// The side of the square images produced.
    public let size: Int
    /// The per-channel normalisation, or nil for raw `/255` values.
    public var normalization: Normalization?
    /// Whether each image gets a `get_transforms()` draw (the training set's `ds_tfms`); otherwise resize and
    /// centre crop.
    public var transforms = false
    /// Threads decoding batches ahead of the reader (0: the reader decodes each batch when it asks).
    public var workers = 1
    private var generator: RandomGenerator

    /// A loader over `items` labelled `labels`; `seed` fixes the shuffling.
    public init(
        items: [LabelledImage], labels: [Int], batchSize: Int, shuffle: Bool, dropLast: Bool, size: Int,
        normalization: Normalization?, seed: UInt64 = 0
    ) throws(DataError) {
        guard batchSize >= 1 else { throw DataError("the batch size must be at least 1, got \(batchSize)") }
        guard size >= 2 else { throw DataError("the image size must be at least 2 (fastai fails on size 1), got \(size)") }
        guard items.count == labels.count else { throw DataError("\(items.count) images but \(labels.count) labels") }
        if let n = normalization, n.mean.count != 3 {
            throw DataError("images have 3 channels, the normalisation has \(n.mean.count)")
        }
        self.items = items
        self.labels = labels
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.size = size
        self.normalization = normalization
        generator = RandomGenerator(seed: seed)
    }

    /// `len(dl)`: batches per epoch.
    public var batchCount: Int { dropLast ? items.count / batchSize : (items.count + batchSize - 1) / batchSize }

    /// The images served.
    public var itemCount: Int { items.count }

    /// The next epoch's batches of item indices (a fresh permutation when shuffling).
    public mutating func epoch() -> [[Int]] {
        ImageLoader.epoch(count: items.count, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, generator: &generator)
    }

    /// The next epoch: the shuffle, then (with `transforms`) each batch's augmentations, drawn now in that
    /// order; the batches are decoded by `workers` threads, at most `workers` ahead of the reader.
    public mutating func makeEpoch() -> BatchStream {
        let batches = epoch()
        let augmentations = transforms ? batches.map { drawAugmentations($0.count) } : nil
        let loader = self
        return BatchPrefetcher.stream(count: batches.count, workers: workers) { i in
            try loader.batch(batches[i], augmentations: augmentations?[i])
        }
    }

    /// One `get_transforms()` draw per image of a batch of `count`, from this loader's seeded generator.
    public mutating func drawAugmentations(_ count: Int) -> [Augmentation] {
        (0..<count).map { _ in Augmentation(drawingFrom: &generator) }
    }

    /// One image as the loader serves it, before normalisation: `3×size×size` floats in [0, 1]; with an
    /// augmentation, its transforms replace the plain resize and centre crop.
    public static func pixels(of path: String, size: Int, augmentation: Augmentation? = nil) throws(DataError) -> [Float] {
        let image = try ImageFile.read(path)
        if let augmentation {
            return try augmentation.apply(image.planes, channels: 3, height: image.height, width: image.width, size: size)
        }
        let resized = try BilinearResize.resizeShorterSide(
            image.planes, channels: 3, height: image.height, width: image.width, size: size)
        return try CropPad.crop(resized.pixels, channels: 3, height: resized.height, width: resized.width, size: size)
    }

    /// The batch holding these items, in this order, resized and centre-cropped.
    public func batch(_ indices: [Int]) throws(DataError) -> ImageBatch { try batch(indices, augmentations: nil) }

    /// The batch holding these items, in this order; `augmentations` (one per item, from `drawAugmentations`)
    /// make it a training batch with `get_transforms()`.
    public func batch(_ indices: [Int], augmentations: [Augmentation]?) throws(DataError) -> ImageBatch {
        if let augmentations, augmentations.count != indices.count {
            throw DataError("\(indices.count) images but \(augmentations.count) augmentations")
        }
        let s = size
        var storage = [Float](repeating: 0, count: indices.count * 3 * s * s)
        for (b, index) in indices.enumerated() {
            guard items.indices.contains(index) else { throw DataError("image index \(index) is outside the \(items.count) images") }
            let planes = try Self.pixels(of: items[index].path, size: s, augmentation: augmentations?[b])
            for c in 0..<3 {
                let base = (b * 3 + c) * s * s
                if let n = normalization {
                    let (m, d) = (n.mean[c], n.std[c])
                    for i in 0..<(s * s) { storage[base + i] = (planes[c * s * s + i] - m) / d }
                } else {
                    storage.replaceSubrange(base..<(base + s * s), with: planes[(c * s * s)..<((c + 1) * s * s)])
                }
            }
        }
        return ImageBatch(
            images: Tensor(shape: [indices.count, 3, s, s], storage: storage), labels: indices.map { labels[$0] }, indices: indices)
    }
}
