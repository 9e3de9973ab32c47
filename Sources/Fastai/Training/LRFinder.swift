import Foundation

/// `lr_find`'s schedule and stopping rule (`callbacks/lr_finder.py` `LRFinder`), without the model.
///
/// Batch i trains at `start·(end/start)^(i/numIt)` (1e-7 → 10 over 100 batches: batch 50 is at
/// 1e-3, batch 99 at 8.3176…; the value 10 is set after the last batch and never used). After each
/// batch, `batchEnded` keeps the best smoothed loss and says whether to stop: when the schedule is
/// done, or (with `stopDiv`) when the smoothed loss is above 4× the best or NaN. The batch that
/// triggers the stop has already been recorded. Momentum is not scheduled.
public struct LRFinder: Sendable, Equatable {
    /// Whether to stop when the loss diverges (`stop_div`).
    public let stopDiv: Bool
    /// The exponential schedule from `start_lr` to `end_lr`.
    public private(set) var scheduler: Scheduler
    /// The learning rate the next batch trains at.
    public private(set) var lr: Double
    /// The lowest smoothed loss so far (fastai keeps the float32 tensor).
    public private(set) var bestLoss: Float = 0
    /// The iteration at which the run stopped, once it has (fastai's `self.stop`).
    public private(set) var stopIteration: Int?

    /// A finder over `numIt` batches from `startLR` to `endLR` (fastai's defaults: 1e-7, 10, 100).
    public init(startLR: Double = 1e-7, endLR: Double = 10, numIt: Int = 100, stopDiv: Bool = true) throws(TrainingError) {
        for (v, what) in [(startLR, "start_lr"), (endLR, "end_lr")] where !(v.isFinite && v > 0) {
            throw TrainingError("lr_find's \(what) must be a positive number, got \(v)")
        }
        guard startLR < endLR else { throw TrainingError("lr_find's start_lr (\(startLR)) must be below end_lr (\(endLR))") }
        guard numIt >= 1 else { throw TrainingError("lr_find needs at least one iteration, got \(numIt)") }
        self.stopDiv = stopDiv
        scheduler = Scheduler(start: startLR, end: endLR, iterations: numIt, function: .exponential)
        lr = startLR
    }

    /// `ceil(num_it / len(train_dl))`: the epochs `lr_find` asks `fit` for.
    public static func epochs(numIt: Int = 100, batchesPerEpoch: Int) throws(TrainingError) -> Int {
        guard batchesPerEpoch >= 1 else {
            throw TrainingError("lr_find needs at least one training batch per epoch, got \(batchesPerEpoch)")
        }
        return (numIt + batchesPerEpoch - 1) / batchesPerEpoch
    }

    /// The learning rates of a run that does not stop early, one per batch.
    public var plannedLRs: [Double] {
        var s = scheduler
        s.restart()
        var out = [s.start]
        while out.count < s.iterations { out.append(s.step()) }
        return out
    }

    /// `on_batch_end`: records `smoothLoss` (the smoothed loss after batch `iteration`, 0-based over
    /// the run), moves the learning rate on, and returns true when training must stop.
    public mutating func batchEnded(iteration: Int, smoothLoss: Float) -> Bool {
        if iteration == 0 || smoothLoss < bestLoss { bestLoss = smoothLoss }
        lr = scheduler.step()
        let diverged = stopDiv && (smoothLoss > 4 * bestLoss || smoothLoss.isNaN)
        guard scheduler.isDone || diverged else { return false }
        if stopIteration == nil || stopIteration == 0 { stopIteration = iteration }
        return true
    }
}
