/// The two loaders a `fit` runs on: shuffled training batches (`drop_last`) and the validation set —
/// Fashion-MNIST's `ImageLoader`s or a folder's `ImageFileLoader`s, anything that is a `BatchLoader`.
public struct TrainingData: Sendable {
    /// The training loader (its shuffling moves on every epoch).
    public var train: any BatchLoader
    /// The validation loader.
    public var valid: any BatchLoader

    /// Both loaders.
    public init(train: any BatchLoader, valid: any BatchLoader) {
        self.train = train
        self.valid = valid
    }
}

/// What a running `fit` reports, for a progress bar or a log. Computation never prints: the caller
/// decides what to show.
public enum TrainingEvent: Sendable {
    /// A training batch finished: its index in the epoch, the epoch's batch count and the smoothed loss.
    case batch(epoch: Int, batch: Int, of: Int, smoothLoss: Float)
    /// Validation started for an epoch.
    case validating(epoch: Int)
    /// An epoch finished, with fastai's row.
    case epoch(EpochStats)
}

/// One row of fastai's training table.
public struct EpochStats: Sendable, Equatable, Codable {
    /// 0-based.
    public var epoch: Int
    /// The smoothed loss after the epoch's last training batch (not the epoch mean).
    public var trainLoss: Float
    /// `validate`'s loss, nil without a validation set.
    public var validLoss: Float?
    /// The metrics, in the learner's order (`error_rate`).
    public var metrics: [Float]
    /// Wall time of the epoch, validation included.
    public var seconds: Double
}
