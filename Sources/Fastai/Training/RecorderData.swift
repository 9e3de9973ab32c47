/// What fastai v1's `Recorder` keeps over one `fit` call, as a value.
///
/// fastai's `Recorder.lrs` holds only the last layer group's rate (G10); here `lrs` keeps every
/// group and `lastGroupLRs` gives fastai's list. `losses` are the smoothed training losses, one per
/// training batch; `valLosses` and `metrics` one per epoch that validated; `nbBatches` the
/// training batches each epoch ran.
public struct RecorderData: Sendable, Equatable, Codable {
    /// Per training batch, the learning rate of every layer group.
    public var lrs: [[Double]] = []
    /// Per training batch, the momentum (Adam's β1).
    public var moms: [Double] = []
    /// Per training batch, the smoothed loss after it.
    public var losses: [Float] = []
    /// Per validated epoch, the validation loss.
    public var valLosses: [Float] = []
    /// Per validated epoch, the metrics in order (e.g. `[error_rate]`).
    public var metrics: [[Float]] = []
    /// Per epoch, the number of training batches run.
    public var nbBatches: [Int] = []

    /// An empty record (a new one is made for every `fit` call).
    public init() {}

    /// `on_batch_begin` + `on_backward_begin`: one training batch's rates, momentum and smoothed loss.
    public mutating func recordBatch(lrs groupLRs: [Double], mom: Double, smoothLoss: Float) {
        lrs.append(groupLRs)
        moms.append(mom)
        losses.append(smoothLoss)
    }

    /// `on_epoch_end`: the batch count, and the validation loss and metrics when there were any.
    public mutating func recordEpoch(batches: Int, validLoss: Float?, metrics epochMetrics: [Float]) {
        nbBatches.append(batches)
        if let validLoss {
            valLosses.append(validLoss)
            if !epochMetrics.isEmpty { metrics.append(epochMetrics) }
        }
    }

    /// fastai's `recorder.lrs`: the last layer group's rate per batch.
    public var lastGroupLRs: [Double] { lrs.map { $0.last ?? .nan } }
}
