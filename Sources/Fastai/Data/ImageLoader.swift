import Tensors

/// fastai v1's `DataLoader` for grayscale images: batches of `[B, 3, size, size]` floats.
///
/// Each image goes through what fastai v1 does to it: `open_image`'s `convert('RGB')` (the gray value in all
/// three channels) and `/255` as float32, the resize to `size` (`BilinearResize`; none at the image's own size),
/// then the `normalize` batch transform. The training loader shuffles with a seeded generator (a new
/// permutation every epoch) and drops the last incomplete batch (`drop_last`, so `floor(n/bs)` batches); the
/// validation loader keeps the order and every image.
public struct ImageLoader: BatchLoader {
    /// The images served.
    public let images: GrayscaleImages
    /// Images per batch.
    public let batchSize: Int
    /// Whether each epoch visits the images in a new random order.
    public let shuffle: Bool
    /// Whether an incomplete last batch is left out.
    public let dropLast: Bool
    /// The side of the square images produced.
    public let size: Int
    /// The per-channel normalisation, or nil for raw `/255` values.
    public let normalization: Normalization?
    private var generator: RandomGenerator

    /// A loader over `images`; `seed` fixes the shuffling.
    public init(
        images: GrayscaleImages, batchSize: Int, shuffle: Bool, dropLast: Bool, size: Int? = nil,
        normalization: Normalization?, seed: UInt64 = 0
    ) throws(DataError) {
        guard batchSize >= 1 else { throw DataError("the batch size must be at least 1, got \(batchSize)") }
        let size = size ?? images.height
        guard images.height == images.width else {
            throw DataError("the loader takes square images, got \(images.height)×\(images.width)")
        }
        guard size >= 1 else { throw DataError("the image size must be at least 1, got \(size)") }
        if let n = normalization, n.mean.count != 3 {
            throw DataError("images have 3 channels, the normalisation has \(n.mean.count)")
        }
        guard !dropLast || images.count >= batchSize else {
            throw DataError("the batch size \(batchSize) is larger than the \(images.count) images, and drop_last leaves no batch")
        }
        self.images = images
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.size = size
        self.normalization = normalization
        generator = RandomGenerator(seed: seed)
    }

    /// `len(dl)`: batches per epoch.
    public var batchCount: Int { dropLast ? images.count / batchSize : (images.count + batchSize - 1) / batchSize }

    /// The images served.
    public var itemCount: Int { images.count }

    /// The next epoch's batches of image indices (a fresh permutation when shuffling).
    public mutating func epoch() -> [[Int]] {
        Self.epoch(count: images.count, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, generator: &generator)
    }

    /// The next epoch's batches, made on the reader's thread (the images are in memory already).
    public mutating func makeEpoch() -> BatchStream {
        let batches = epoch()
        let loader = self
        return BatchStream(count: batches.count, inline: { i in try loader.batch(batches[i]) })
    }

    /// One epoch's batches of indices into `count` items: `0..<count`, shuffled when asked (Fisher–Yates from the
    /// last position down, with `generator`), cut into batches of `batchSize`, the incomplete last one left out
    /// with `dropLast`. Shared by every loader.
    public static func epoch(
        count: Int, batchSize: Int, shuffle: Bool, dropLast: Bool, generator: inout RandomGenerator
    ) -> [[Int]] {
        var order = Array(0..<count)
        if shuffle {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                let j = Int(generator.nextUniform() * Double(i + 1))
                order.swapAt(i, min(j, i))
            }
        }
        let batches = dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
        return (0..<batches).map { b in Array(order[(b * batchSize)..<min((b + 1) * batchSize, order.count)]) }
    }

    /// The batch holding these images, in this order.
    public func batch(_ indices: [Int]) throws(DataError) -> ImageBatch {
        let (h, w, s) = (images.height, images.width, size)
        var storage = [Float](repeating: 0, count: indices.count * 3 * s * s)
        for (b, index) in indices.enumerated() {
            guard (0..<images.count).contains(index) else {
                throw DataError("image index \(index) is outside the \(images.count) images")
            }
            let start = index * h * w
            var plane = images.pixels[start..<(start + h * w)].map { Float($0) / 255 }
            if s != h { plane = try BilinearResize.resize(plane, height: h, width: w, outHeight: s, outWidth: s) }
            for c in 0..<3 {
                let base = (b * 3 + c) * s * s
                if let n = normalization {
                    let (m, d) = (n.mean[c], n.std[c])
                    for i in 0..<(s * s) { storage[base + i] = (plane[i] - m) / d }
                } else {
                    storage.replaceSubrange(base..<(base + s * s), with: plane)
                }
            }
        }
        return ImageBatch(
            images: Tensor(shape: [indices.count, 3, s, s], storage: storage), labels: indices.map { images.labels[$0] },
            indices: indices)
    }

    /// `normalize()` without stats: the statistics of the first batch of a copy of this loader (un-normalised),
    /// so taking them does not move this loader's shuffling on.
    public func statisticsOfOneBatch() throws(DataError) -> Normalization {
        var raw = try ImageLoader(
            images: images, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, size: size, normalization: nil)
        raw.generator = generator
        guard let first = raw.epoch().first else { throw DataError("no batch to take statistics from") }
        return try Normalization.statistics(of: raw.batch(first).images)
    }
}
