/// The learning rates and momentums `fit_one_cycle` uses for every training batch
/// (`callbacks/one_cycle.py` `OneCycleScheduler`), computed by running the same schedulers the
/// callback runs: `lrs[i]` and `moms[i]` are what `Recorder.lrs[i]`/`moms[i]` hold for batch i.
///
/// With n batches, `a1 = int(n·pct_start)` and `a2 = n − a1`. Phase 1 anneals (cosine) from
/// `lr_max/div` to `lr_max` and the momentum from 0.95 to 0.85 over a1 steps; phase 2 anneals
/// from `lr_max` to `lr_max/final_div` and the momentum back to 0.95 over a2 steps. Batch 0
/// runs at `lr_max/div`; the value set after the last batch is never used (kept in `final*`).
/// When a1 = 0 (n ≤ 3) phase 1 still lasts one step (`Scheduler`'s `max(1, n_iter)`), so batch 1
/// is at the peak and phase 2 is one step short of finishing.
public struct OneCycleSchedule: Sendable, Equatable {
    /// Training batches in the whole fit: batches per epoch × epochs.
    public let batches: Int
    /// Steps in the warm-up phase: `int(batches·pct_start)`.
    public let phase1: Int
    /// Steps in the annealing phase: `batches − phase1`.
    public let phase2: Int
    /// Per batch, one learning rate per layer group.
    public let lrs: [[Double]]
    /// Per batch, the momentum (Adam's β1).
    public let moms: [Double]
    /// The rates left in the optimizer after the last batch (`lr_max/final_div`).
    public let finalLRs: [Double]
    /// The momentum left in the optimizer after the last batch (0.95 by default).
    public let finalMom: Double

    /// fastai v1's `fit_one_cycle` schedule.
    /// - Parameters:
    ///   - batchesPerEpoch: `len(train_dl)`, `floor(n_train/bs)` with `drop_last`.
    ///   - lrMax: the per-group peak rates (`lr_range(max_lr)`, see `LearningRate.perGroup`).
    public init(
        batchesPerEpoch: Int, epochs: Int, lrMax: [Double], moms: (Double, Double) = (0.95, 0.85),
        divFactor: Double = 25, pctStart: Double = 0.3, finalDiv: Double? = nil
    ) throws(TrainingError) {
        guard batchesPerEpoch >= 1 else {
            throw TrainingError("one-cycle needs at least one batch per epoch, got \(batchesPerEpoch)")
        }
        guard epochs >= 1 else { throw TrainingError("the number of epochs must be at least 1, got \(epochs)") }
        guard !lrMax.isEmpty else { throw TrainingError("one-cycle needs a learning rate for at least one layer group") }
        for lr in lrMax where !(lr.isFinite && lr > 0) {
            throw TrainingError("the learning rate must be a positive number, got \(lr)")
        }
        guard divFactor.isFinite, divFactor > 0 else { throw TrainingError("div_factor must be positive, got \(divFactor)") }
        guard pctStart >= 0, pctStart <= 1 else { throw TrainingError("pct_start must be between 0 and 1, got \(pctStart)") }
        let finalDiv = finalDiv ?? divFactor * 1e4
        guard finalDiv.isFinite, finalDiv > 0 else { throw TrainingError("final_div must be positive, got \(finalDiv)") }

        let n = batchesPerEpoch * epochs
        let a1 = Int(Double(n) * pctStart)
        let a2 = n - a1
        batches = n
        phase1 = a1
        phase2 = a2
        // One pair of schedulers per layer group (numpy evaluates the array elementwise, in the same order).
        var lrScheds = lrMax.map { lr in
            [
                Scheduler(start: lr / divFactor, end: lr, iterations: a1, function: .cosine),
                Scheduler(start: lr, end: lr / finalDiv, iterations: a2, function: .cosine),
            ]
        }
        var momScheds = [
            Scheduler(start: moms.0, end: moms.1, iterations: a1, function: .cosine),
            Scheduler(start: moms.1, end: moms.0, iterations: a2, function: .cosine),
        ]
        // on_train_begin: the optimizer starts at phase 1's start values.
        var lr = lrScheds.map { $0[0].start }
        var mom = momScheds[0].start
        var phase = 0
        var lrs: [[Double]] = []
        var momList: [Double] = []
        lrs.reserveCapacity(n)
        momList.reserveCapacity(n)
        for _ in 0..<n {
            lrs.append(lr)  // on_batch_begin: the Recorder reads the optimizer
            momList.append(mom)
            guard phase < 2 else { continue }  // fastai stops training here; a1 + a2 = n never gets here
            for g in lr.indices { lr[g] = lrScheds[g][phase].step() }  // on_batch_end
            mom = momScheds[phase].step()
            if lrScheds[0][phase].isDone { phase += 1 }
        }
        self.lrs = lrs
        self.moms = momList
        finalLRs = lr
        finalMom = mom
    }

    /// `fit_one_cycle(epochs, max_lr)` on a learner with `layerGroups` groups: `max_lr` goes through `lr_range`
    /// (fastai's default is `slice(3e-3)`).
    public init(
        batchesPerEpoch: Int, epochs: Int, maxLR: LearningRate = .fastaiDefault, layerGroups: Int
    ) throws(TrainingError) {
        try self.init(batchesPerEpoch: batchesPerEpoch, epochs: epochs, lrMax: maxLR.perGroup(layerGroups: layerGroups))
    }
}
