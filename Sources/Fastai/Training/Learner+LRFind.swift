import NN
import Tensors

/// What `learn.lr_find()` leaves behind: the recorder of its short run and fastai's suggestion.
public struct LRFindResult: Sendable {
    /// The last layer group's rate for each batch that ran (what `recorder.plot()` puts on its x axis).
    public var lrs: [Double]
    /// The smoothed loss after each of those batches.
    public var losses: [Float]
    /// The batch (0-based) at which the run stopped: the 100th, or the first whose smoothed loss was
    /// more than 4× the best (or NaN).
    public var stopIteration: Int?
    /// `recorder.plot(suggestion=True)`'s two rates, when there are enough points.
    public var suggestion: LRSuggestion?
    /// Why there is no suggestion (fastai prints it instead of the rates).
    public var suggestionProblem: String?
}

extension Learner {
    /// `learn.lr_find(start_lr=1e-7, end_lr=10, num_it=100, stop_div=True, wd=None)` (fastai v1
    /// `train.py` and `callbacks/lr_finder.py`): `fit` for `ceil(num_it / len(train_dl))` epochs with
    /// an exponential rate from `start_lr` to `end_lr`, no validation, momentum left as the optimizer
    /// has it (G9), stopping after the batch whose smoothed loss exceeds 4× the best. The weights,
    /// the batch norms' statistics and the optimizer are saved first and put back afterwards, as
    /// fastai's `learn.save('tmp')` / `learn.load('tmp')` do.
    public func lrFind(
        data: inout TrainingData, startLR: Double = 1e-7, endLR: Double = 10, numIt: Int = 100, stopDiv: Bool = true,
        wd: Double? = nil, progress: (TrainingEvent) -> Void = { _ in }
    ) throws -> LRFindResult {
        var finder = try LRFinder(startLR: startLR, endLR: endLR, numIt: numIt, stopDiv: stopDiv)
        let epochs = try LRFinder.epochs(numIt: numIt, batchesPerEpoch: data.train.batchCount)
        let saved = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor) })
        let savedOptimizer = optimizer
        let groups = layerGroups.count
        do {
            _ = try run(
                epochs: epochs, lr: .value(startLR), wd: wd, data: &data, progress: progress, skipValidate: true, nonFiniteLossIsError: false,
                stop: { iteration, smoothLoss in finder.batchEnded(iteration: iteration, smoothLoss: smoothLoss) },
                hyper: { _ in (finder.lrs.count == groups ? finder.lrs : [Double](repeating: finder.lr, count: groups), nil) })
        } catch {
            try model.loadStateDict(saved)
            optimizer = savedOptimizer
            throw error
        }
        try model.loadStateDict(saved)
        optimizer = savedOptimizer
        let lrs = recorder.lastGroupLRs
        var result = LRFindResult(lrs: lrs, losses: recorder.losses, stopIteration: finder.stopIteration)
        do { result.suggestion = try LRSuggestion(lrs: lrs, losses: recorder.losses) } catch { result.suggestionProblem = error.message }
        return result
    }
}
