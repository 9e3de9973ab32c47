import Tensors

/// One batch from an `ImageLoader`: images as a [B, 3, H, W] float tensor and their class indices.
public struct ImageBatch: Sendable, Equatable {
    /// The images, normalised if the loader normalises.
    public let images: Tensor
    /// Per image, its class index.
    public let labels: [Int]
    /// Per image, its index in the loader's image set.
    public let indices: [Int]
}
