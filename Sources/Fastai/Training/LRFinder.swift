import Foundation

/// `lr_find`'s schedule and stopping rule (`callbacks/lr_finder.py` `LRFinder`), without the model.
///
/// Batch i trains at `start·(end/start)^(i/numIt)` (1e-7 → 10 over 100 batches: batch 50 is at
/// 1e-3, batch 99 at 8.3176…; the value 10 is set after the last batch and never used). After each
/// batch, `batchEnded` keeps the best smoothed loss and says whether to stop: when the schedule is
/// done, or (with `stopDiv`) when the smoothed loss is above 4× the best or NaN. The batch that
/// triggers the stop has already been recorded. Momentum is not scheduled.
/// `start_lr`/`end_lr` go through `lr_range` in fastai, so each may be one value or one per layer group.
public struct LRFinder: Sendable, Equatable {
    /// Whether to stop when the loss diverges (`stop_div`).
    public let stopDiv: Bool
    /// Per layer group, the exponential schedule from its start to its end rate.
    public private(set) var schedulers: [Scheduler]
    /// Per layer group, the learning rate the next batch trains at.
    public private(set) var lrs: [Double]
    /// The lowest smoothed loss so far (fastai keeps the float32 tensor).
    public private(set) var bestLoss: Float = 0
    /// The iteration at which the run stopped, once it has (fastai's `self.stop`).
    public private(set) var stopIteration: Int?

    /// A finder over `numIt` batches from `startLR` to `endLR` for every group (fastai's defaults: 1e-7, 10, 100).
    public init(startLR: Double = 1e-7, endLR: Double = 10, numIt: Int = 100, stopDiv: Bool = true) throws(TrainingError) {
        try self.init(startLRs: [startLR], endLRs: [endLR], numIt: numIt, stopDiv: stopDiv)
    }

    /// A finder with per-group start and end rates (`lr_range` of slices); one value is used for every group.
    public init(startLRs: [Double], endLRs: [Double], numIt: Int = 100, stopDiv: Bool = true) throws(TrainingError) {
        guard !startLRs.isEmpty, startLRs.count == endLRs.count || startLRs.count == 1 || endLRs.count == 1 else {
            throw TrainingError("lr_find: \(startLRs.count) start rates and \(endLRs.count) end rates do not pair up")
        }
        let n = max(startLRs.count, endLRs.count)
        let starts = startLRs.count == 1 ? [Double](repeating: startLRs[0], count: n) : startLRs
        let ends = endLRs.count == 1 ? [Double](repeating: endLRs[0], count: n) : endLRs
        for (values, what) in [(starts, "start_lr"), (ends, "end_lr")] {
            if let v = values.first(where: { !($0.isFinite && $0 > 0) }) {
                throw TrainingError("lr_find's \(what) must be a positive number, got \(v)")
            }
        }
        for (s, e) in zip(starts, ends) where !(s < e) {
            throw TrainingError("lr_find's start_lr (\(s)) must be below end_lr (\(e))")
        }
        guard numIt >= 1 else { throw TrainingError("lr_find needs at least one iteration, got \(numIt)") }
        self.stopDiv = stopDiv
        schedulers = zip(starts, ends).map { Scheduler(start: $0, end: $1, iterations: numIt, function: .exponential) }
        lrs = starts
    }

    /// The last layer group's rate for the next batch (what fastai's Recorder records).
    public var lr: Double { lrs[lrs.count - 1] }

    /// `int(ceil(num_it / len(train_dl)))`: the epochs `lr_find` asks `fit` for.
    public static func epochs(numIt: Int = 100, batchesPerEpoch: Int) throws(TrainingError) -> Int {
        guard batchesPerEpoch >= 1 else {
            throw TrainingError("lr_find needs at least one training batch per epoch, got \(batchesPerEpoch)")
        }
        return (numIt + batchesPerEpoch - 1) / batchesPerEpoch
    }

    /// The last group's learning rates of a run that does not stop early, one per batch.
    public var plannedLRs: [Double] {
        var s = schedulers[schedulers.count - 1]
        s.restart()
        var out = [s.start]
        while out.count < s.iterations { out.append(s.step()) }
        return out
    }

    /// `on_batch_end`: records `smoothLoss` (the smoothed loss after batch `iteration`, 0-based over
    /// the run), moves the learning rates on, and returns true when training must stop.
    public mutating func batchEnded(iteration: Int, smoothLoss: Float) -> Bool {
        if iteration == 0 || smoothLoss < bestLoss { bestLoss = smoothLoss }
        for g in schedulers.indices { lrs[g] = schedulers[g].step() }
        let diverged = stopDiv && (smoothLoss > 4 * bestLoss || smoothLoss.isNaN)
        guard schedulers[0].isDone || diverged else { return false }
        // fastai: `if not self.stop: self.stop = iteration` (0 counts as not yet stopped).
        if stopIteration == nil || stopIteration == 0 { stopIteration = iteration }
        return true
    }
}
