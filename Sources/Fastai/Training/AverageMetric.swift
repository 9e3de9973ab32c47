/// fastai v1's `AverageMetric` callback (`callback.py`): a metric's per-item mean over the
/// validation set, accumulated in float32 as fastai does (`val += bs·metric(batch)`, then `val/count`).
public struct AverageMetric: Sendable, Equatable {
    /// The column name in the table (`error_rate`, `accuracy`).
    public let name: String
    /// The running float32 sum of `batch size × batch value`.
    public private(set) var total: Float = 0
    /// Items seen.
    public private(set) var count = 0

    /// An empty accumulator (`on_epoch_begin`).
    public init(name: String) { self.name = name }

    /// `on_batch_end`: one validation batch's metric value and size.
    public mutating func add(_ batchValue: Float, batchSize: Int) {
        count += batchSize
        total += Float(batchSize) * batchValue
    }

    /// `on_epoch_end`: the mean, or nil before any item.
    public var value: Float? { count > 0 ? total / Float(count) : nil }
}
