/// Same-sized 8-bit grayscale images with integer labels, as an IDX pair holds them.
public struct GrayscaleImages: Sendable, Equatable {
    /// Rows per image.
    public let height: Int
    /// Columns per image.
    public let width: Int
    /// All pixels, image after image, row-major (0 = black, 255 = white).
    public let pixels: [UInt8]
    /// Per image, its class index.
    public let labels: [Int]

    /// The number of images.
    public var count: Int { labels.count }

    /// Images from raw pixels; `pixels.count` must be `labels.count·height·width`.
    public init(height: Int, width: Int, pixels: [UInt8], labels: [Int]) throws(DataError) {
        guard height >= 1, width >= 1 else { throw DataError("images must be at least 1×1, got \(height)×\(width)") }
        guard pixels.count == labels.count * height * width else {
            throw DataError(
                "\(labels.count) labels need \(labels.count * height * width) pixels of \(height)×\(width) images, got \(pixels.count)")
        }
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
    }

    /// An IDX image file (`[count, rows, cols]`) with its IDX label file (`[count]`).
    public init(images: IDXFile, labels: IDXFile, name: String) throws(DataError) {
        guard images.dimensions.count == 3 else {
            throw DataError("\(name): expected images as [count, rows, cols], got dimensions \(images.dimensions)")
        }
        guard labels.dimensions.count == 1 else {
            throw DataError("\(name): expected labels as [count], got dimensions \(labels.dimensions)")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DataError("\(name): \(images.dimensions[0]) images but \(labels.dimensions[0]) labels")
        }
        try self.init(
            height: images.dimensions[1], width: images.dimensions[2], pixels: images.values,
            labels: labels.values.map(Int.init))
    }

    /// The first `n` images (a subset for quick runs). `what` names the set in the error.
    public func prefix(_ n: Int, of what: String) throws(DataError) -> GrayscaleImages {
        guard n >= 1 else { throw DataError("the \(what) subset must hold at least 1 image, got \(n)") }
        guard n <= count else {
            throw DataError("the \(what) subset asks for \(n) images, but the \(what) set has only \(count)")
        }
        return try GrayscaleImages(
            height: height, width: width, pixels: Array(pixels[0..<(n * height * width)]), labels: Array(labels[0..<n]))
    }
}
