import Tensors

/// Per-channel normalisation `(x − mean)/std`, fastai's `normalize` batch transform.
public struct Normalization: Sendable, Equatable {
    /// Per channel (R, G, B), the mean subtracted.
    public let mean: [Float]
    /// Per channel, the standard deviation divided by.
    public let std: [Float]

    /// Explicit statistics; every std must be positive.
    public init(mean: [Float], std: [Float]) throws(DataError) {
        guard mean.count == std.count, !mean.isEmpty else {
            throw DataError("normalisation needs one mean and one std per channel, got \(mean.count) and \(std.count)")
        }
        if let bad = std.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw DataError("a normalisation std must be a positive number, got \(bad)")
        }
        self.mean = mean
        self.std = std
    }

    /// fastai's `imagenet_stats`.
    public static let imagenet = Normalization(uncheckedMean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    private init(uncheckedMean mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// `DataBunch.batch_stats`: per channel, the mean and the unbiased std (`torch.std`) of an
    /// un-normalised [B, C, H, W] batch (fastai takes one training batch).
    public static func statistics(of batch: Tensor) throws(DataError) -> Normalization {
        let shape = batch.shape
        guard shape.count == 4, shape[0] * shape[2] * shape[3] >= 2 else {
            throw DataError("batch statistics need a [B, C, H, W] batch with at least 2 values per channel, got \(shape)")
        }
        let (b, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        var means: [Float] = [], stds: [Float] = []
        for ch in 0..<c {
            var sum = 0.0
            for i in 0..<b { for j in 0..<plane { sum += Double(batch.storage[(i * c + ch) * plane + j]) } }
            let n = Double(b * plane)
            let mean = sum / n
            var sq = 0.0
            for i in 0..<b {
                for j in 0..<plane {
                    let d = Double(batch.storage[(i * c + ch) * plane + j]) - mean
                    sq += d * d
                }
            }
            means.append(Float(mean))
            stds.append(Float((sq / (n - 1)).squareRoot()))
        }
        return try Normalization(mean: means, std: stds)
    }
}
