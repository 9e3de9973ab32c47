import Foundation
import NN
import Tensors

/// fastai v1's training loop (`basic_train.fit`, `loss_batch`, `validate`) and its one-cycle
/// schedule, on the learner's model and optimizer.
extension Learner {
    /// `learn.fit(epochs, lr, wd)`: constant rates per layer group (`lr_range(lr)`).
    public func fit(
        epochs: Int, lr: LearningRate = .fastaiDefault, wd: Double? = nil, data: inout TrainingData,
        progress: (TrainingEvent) -> Void = { _ in }
    ) throws -> [EpochStats] {
        let rates = try lr.perGroup(layerGroups: layerGroups.count)
        return try run(epochs: epochs, lr: lr, wd: wd, data: &data, progress: progress) { _ in (rates, nil) }
    }

    /// `learn.fit_one_cycle(cyc_len, max_lr, moms=(0.95, 0.85), div_factor=25, pct_start=0.3)`.
    public func fitOneCycle(
        epochs: Int, maxLR: LearningRate = .fastaiDefault, wd: Double? = nil, data: inout TrainingData,
        progress: (TrainingEvent) -> Void = { _ in }
    ) throws -> [EpochStats] {
        guard epochs >= 1 else { throw TrainingError("the number of epochs must be at least 1, got \(epochs)") }
        let schedule = try OneCycleSchedule(batchesPerEpoch: data.train.batchCount, epochs: epochs, maxLR: maxLR, layerGroups: layerGroups.count)
        let stats = try run(epochs: epochs, lr: maxLR, wd: wd, data: &data, progress: progress) { i in
            (schedule.lrs[i], schedule.moms[i])
        }
        // on_train_end leaves the final values in the optimizer (never used for a step, G9).
        optimizer?.adam.lr = schedule.finalLRs
        optimizer?.adam.mom = [Double](repeating: schedule.finalMom, count: layerGroups.count)
        return stats
    }

    /// The loop: `hyper(i)` gives batch i's per-group rates and momentum (nil: unchanged);
    /// `stop(i, smoothLoss)`, asked after batch i, ends the run early (lr_find's callback), and
    /// `skipValidate` leaves out the validation after each epoch (lr_find's `skip_validate`).
    /// A training loss that is not finite stops `fit` with an error; lr_find passes `nonFiniteLossIsError:
    /// false` and lets its own rule decide (`stop_div` stops on a NaN smoothed loss, without it fastai goes on).
    func run(
        epochs: Int, lr: LearningRate, wd: Double?, data: inout TrainingData, progress: (TrainingEvent) -> Void,
        skipValidate: Bool = false, nonFiniteLossIsError: Bool = true, stop: (Int, Float) -> Bool = { _, _ in false },
        hyper: (Int) -> ([Double], Double?)
    ) throws -> [EpochStats] {
        guard epochs >= 1 else { throw TrainingError("the number of epochs must be at least 1, got \(epochs)") }
        let wd = wd ?? self.wd
        let rates = try lr.perGroup(layerGroups: layerGroups.count)
        // fit: a new optimizer only when there is none; otherwise lr and wd change, Adam state stays (G5).
        var opt = try optimizer ?? makeOptimizer(lr: lr, wd: wd)
        opt.adam.lr = rates
        opt.adam.wd = [Double](repeating: wd, count: layerGroups.count)
        recorder = RecorderData()
        var smoother = SmoothenValue()
        var stats: [EpochStats] = []
        var iteration = 0
        var stopped = false
        defer { optimizer = opt }
        for epoch in 0..<epochs {
            let start = Date()
            model.train()
            let batches = data.train.makeEpoch()
            var done = 0
            for b in 0..<batches.count {
                let (groupLRs, mom) = hyper(iteration)
                opt.adam.lr = groupLRs
                if let mom { opt.adam.mom = [Double](repeating: mom, count: layerGroups.count) }
                guard let batch = try batches.next() else { break }
                let (loss, _) = try GradientStep.run(model: model, input: batch.images, targets: batch.labels)
                guard loss.isFinite || !nonFiniteLossIsError else {
                    throw TrainingError(
                        "the training loss became \(Self.name(loss)) at epoch \(epoch), batch \(b + 1) of \(batches.count) (iteration \(iteration + 1)); try a lower learning rate"
                    )
                }
                smoother.add(loss)
                recorder.recordBatch(lrs: groupLRs, mom: opt.adam.mom.last ?? 0, smoothLoss: smoother.smooth)
                try opt.step()
                opt.zeroGrad()
                let stopping = stop(iteration, smoother.smooth)
                iteration += 1
                progress(.batch(epoch: epoch, batch: b + 1, of: batches.count, smoothLoss: smoother.smooth))
                done = b + 1
                if stopping {
                    stopped = true
                    break
                }
            }
            var validLoss: Float?
            var metrics: [Float] = []
            if !skipValidate {
                progress(.validating(epoch: epoch))
                (validLoss, metrics) = try validate(data.valid)
                if let v = validLoss, !v.isFinite {
                    throw TrainingError(
                        "the validation loss became \(Self.name(v)) at epoch \(epoch) (the training loss was \(smoother.smooth)); try a lower learning rate"
                    )
                }
            }
            recorder.recordEpoch(batches: done, validLoss: validLoss, metrics: metrics)
            let row = EpochStats(
                epoch: epoch, trainLoss: smoother.smooth, validLoss: validLoss, metrics: metrics, seconds: Date().timeIntervalSince(start))
            stats.append(row)
            progress(.epoch(row))
            if stopped { break }
        }
        return stats
    }

    /// "NaN", "inf" or "-inf" for a loss that is not finite (Swift prints "nan").
    static func name(_ loss: Float) -> String { loss.isNaN ? "NaN" : loss > 0 ? "inf" : "-inf" }

    /// `learn.validate(dl)`: eval mode, no gradients; the loss averaged as fastai does (batch means
    /// weighted by batch size, float32) and `error_rate` as an exact mean over the items.
    public func validate(_ loader: some BatchLoader) throws -> (loss: Float?, metrics: [Float]) {
        var loader = loader
        return try model.inEvalMode {
            var losses: [Float] = [], sizes: [Int] = []
            var errorRate = AverageMetric(name: "error_rate")
            let batches = loader.makeEpoch()
            while let batch = try batches.next() {
                let logits = try model(batch.images)
                losses.append(try Tensor.crossEntropy(logits, targets: batch.labels).storage[0])
                sizes.append(batch.labels.count)
                let classes = logits.shape[1]
                errorRate.add(
                    try Metrics.errorRate(logits: logits.storage, classes: classes, targets: batch.labels), batchSize: batch.labels.count)
            }
            guard !losses.isEmpty else { return (nil, []) }
            return (try BatchAverage.validationLoss(batchLosses: losses, batchSizes: sizes), [errorRate.value ?? .nan])
        }
    }

    /// `learn.get_preds(ds_type)`: softmax probabilities and targets for every item, in order.
    public func getPreds(_ loader: some BatchLoader) throws -> (probabilities: Tensor, targets: [Int]) {
        var loader = loader
        var parts: [Tensor] = [], targets: [Int] = []
        let batches = loader.makeEpoch()
        while let batch = try batches.next() {
            parts.append(try predBatch(batch.images))
            targets += batch.labels
        }
        guard !parts.isEmpty else { throw TrainingError("get_preds: the loader has no items") }
        return (try Tensor.concatenate(parts, dim: 0), targets)
    }

    /// `learn.pred_batch()` on a batch `[B, 3, H, W]`: eval mode, softmax probabilities `[B, classes]`.
    public func predBatch(_ images: Tensor) throws -> Tensor {
        guard images.rank == 4 else { throw TrainingError("pred_batch takes a batch [B, 3, H, W], got \(Tensor.describe(images.shape))") }
        return try model.inEvalMode { try model(images).softmax(dim: 1) }
    }

    /// `learn.predict(item)`: the class index and probabilities for one image `[3, H, W]` or `[1, 3, H, W]`.
    public func predict(_ image: Tensor) throws -> (classIndex: Int, probabilities: [Float]) {
        let x = image.rank == 3 ? try image.reshaped([1] + image.shape) : image
        guard x.rank == 4, x.shape[0] == 1 else {
            throw TrainingError("predict takes one image [3, H, W], got \(Tensor.describe(image.shape))")
        }
        let p = try predBatch(x).storage
        // fastai takes the argmax of the probabilities (a NaN counts as the largest, as in torch).
        return (try Metrics.argmax(p, classes: p.count, rows: 1)[0], p)
    }
}
