import NN
import Tensors
import Testing

@testable import Fastai

/// The Learner trains: fastai's param groups, freeze rebuilding the optimizer, fit_one_cycle's
/// recorder and table values, validation, predictions and the NaN stop.
@Suite struct LearnerTrainingTests {
    /// 8×8 images: class 1 is bright on the left half, class 0 on the right (learnable in a few steps).
    static func toyImages(_ n: Int, seed: UInt64) throws -> GrayscaleImages {
        var g = RandomGenerator(seed: seed)
        var pixels: [UInt8] = [], labels: [Int] = []
        for i in 0..<n {
            let label = i % 2
            labels.append(label)
            for _ in 0..<8 {
                for c in 0..<8 {
                    let bright = (c < 4) == (label == 1)
                    pixels.append(UInt8(bright ? 150 + Int(g.nextUniform() * 100) : Int(g.nextUniform() * 60)))
                }
            }
        }
        return try GrayscaleImages(height: 8, width: 8, pixels: pixels, labels: labels)
    }

    static func toyData(batchSize: Int = 8) throws -> TrainingData {
        TrainingData(
            train: try ImageLoader(
                images: toyImages(32, seed: 1), batchSize: batchSize, shuffle: true, dropLast: true, normalization: .imagenet, seed: 3),
            valid: try ImageLoader(images: toyImages(12, seed: 2), batchSize: batchSize, shuffle: false, dropLast: false, normalization: .imagenet))
    }

    @Test func paramGroupsFollowSplitNoWdParams() throws {
        let build = try createCNN(data: try DataBunch(classCount: 2), arch: .resnet18, pretrained: true)
        let learner = build.learner
        let frozen = try #require(learner.optimizer)
        let names = Dictionary(uniqueKeysWithValues: build.model.namedParameters().map { (ObjectIdentifier($0.parameter), $0.name) })
        func slots(_ opt: LearnerOptimizer) -> [(String, Int, Bool)] {
            zip(opt.parameters, opt.adam.slots).map { (names[ObjectIdentifier($0.0)]!, $0.1.layerGroup, $0.1.inDecayGroup) }
        }
        let s = slots(frozen)
        // Frozen: the body's convs are out; its batch norms are in (train_bn), in nowd; the head's
        // Linear weights are wd, its BatchNorm1d params and Linear biases nowd.
        #expect(!s.contains { $0.0 == "0.0.weight" })
        #expect(s.contains { $0 == ("0.1.weight", 0, false) })
        #expect(s.contains { $0 == ("0.7.0.bn1.bias", 1, false) })
        #expect(s.contains { $0 == ("1.4.weight", 2, true) })
        #expect(s.contains { $0 == ("1.4.bias", 2, false) })
        #expect(s.contains { $0 == ("1.2.weight", 2, false) })
        #expect(frozen.adam.lr == [3e-3 / 10, 3e-3 / 10, 3e-3])  // lr_range(slice(3e-3)), as Python computes it
        #expect(frozen.adam.wd == [0, 0, 0])
        // Order: [g0 wd, g0 nowd, g1 wd, …].
        let groups = frozen.adam.slots.map { $0.layerGroup * 2 + ($0.inDecayGroup ? 0 : 1) }
        #expect(groups == groups.sorted())
        learner.unfreeze()
        let unfrozen = try #require(learner.optimizer)
        #expect(slots(unfrozen).contains { $0 == ("0.0.weight", 0, true) })
        #expect(unfrozen.parameters.count == build.model.parameters.count)
    }

    /// `lr_find`: the exponential schedule batch by batch, no validation, stopped by fastai's rule,
    /// and the weights, batch-norm statistics and optimizer exactly as they were before.
    @Test func lrFindRecordsTheScheduleAndPutsEverythingBack() throws {
        let build = try createCNN(data: try DataBunch(classCount: 2), arch: .resnet18, pretrained: false, seed: 5)
        let learner = build.learner
        var data = try Self.toyData()
        let before = build.model.stateDict().map { ($0.name, $0.tensor) }
        var validations = 0
        let result = try learner.lrFind(data: &data, startLR: 1e-5, endLR: 10, numIt: 20) { event in
            if case .validating = event { validations += 1 }
        }
        let planned = try LRFinder(startLR: 1e-5, endLR: 10, numIt: 20).plannedLRs
        #expect(result.lrs.count >= 1 && result.lrs.count <= 20)
        #expect(result.lrs == Array(planned.prefix(result.lrs.count)))
        #expect(result.losses.count == result.lrs.count)
        #expect(result.stopIteration == result.lrs.count - 1)
        #expect(validations == 0)
        // Stopped early only when the smoothed loss passed 4× the best so far (or the 20 batches ran).
        if result.lrs.count < 20, let last = result.losses.last {
            #expect(last > 4 * (result.losses.dropLast().min() ?? last) || last.isNaN)
        }
        let after = Dictionary(uniqueKeysWithValues: build.model.stateDict().map { ($0.name, $0.tensor) })
        #expect(before.allSatisfy { after[$0.0] == $0.1 }, "lr_find must put every weight and statistic back")
        #expect(learner.optimizer == nil)
        if result.lrs.count >= 17 { #expect(result.suggestion != nil) } else { #expect(result.suggestionProblem != nil) }
    }

    /// Rates so large the loss overflows: lr_find decides by its own rule, not `fit`'s error — without
    /// `stop_div` fastai records the NaN and goes on to the last batch — and the weights still come back.
    @Test func lrFindGoesOnThroughANonFiniteLossWithoutStopDiv() throws {
        let build = try createCNN(data: try DataBunch(classCount: 2), arch: .resnet18, pretrained: false, seed: 5)
        var data = try Self.toyData()
        let before = build.model.stateDict().map { ($0.name, $0.tensor) }
        let result = try build.learner.lrFind(data: &data, startLR: 1e10, endLR: 1e30, numIt: 6, stopDiv: false)
        #expect(result.lrs.count == 6)
        #expect(result.losses.contains { !$0.isFinite }, "the rates should have made the loss overflow: \(result.losses)")
        let after = Dictionary(uniqueKeysWithValues: build.model.stateDict().map { ($0.name, $0.tensor) })
        #expect(before.allSatisfy { after[$0.0] == $0.1 })
    }

    @Test func fitOneCycleRecordsTheScheduleAndLearns() throws {
        let build = try createCNN(data: try DataBunch(classCount: 2), arch: .resnet18, pretrained: false, seed: 5)
        let learner = build.learner
        var data = try Self.toyData()
        var events = 0
        let probe = try data.train.batch(Array(0..<16))
        GradientStep.trainWithoutDropout(build.model)
        let untrained = try GradientStep.run(model: build.model, input: probe.images, targets: probe.labels).loss
        let stats = try learner.fitOneCycle(epochs: 2, maxLR: .value(1e-2), data: &data) { _ in events += 1 }
        let schedule = try OneCycleSchedule(batchesPerEpoch: 4, epochs: 2, maxLR: .value(1e-2), layerGroups: 3)
        #expect(learner.recorder.lrs == schedule.lrs)
        #expect(learner.recorder.moms == schedule.moms)
        #expect(learner.recorder.losses.count == 8)
        #expect(learner.recorder.nbBatches == [4, 4])
        #expect(learner.recorder.valLosses == stats.compactMap(\.validLoss))
        #expect(stats.map(\.trainLoss) == [learner.recorder.losses[3], learner.recorder.losses[7]])
        #expect(events == 8 + 2 + 2)
        // The optimizer keeps one-cycle's final values; Adam took 8 steps.
        let opt = try #require(learner.optimizer)
        #expect(opt.adam.lr == schedule.finalLRs)
        #expect(opt.adam.states.compactMap { $0?.step }.allSatisfy { $0 == 8 })
        // Validation is repeatable.
        let (loss, metrics) = try learner.validate(data.valid)
        #expect(loss == stats.last?.validLoss)
        #expect(metrics == stats.last?.metrics)
        // A few constant-rate Adam steps on this easy task lower the training loss.
        _ = try learner.fit(epochs: 2, lr: .value(1e-3), data: &data)
        GradientStep.trainWithoutDropout(build.model)
        let trained = try GradientStep.run(model: build.model, input: probe.images, targets: probe.labels).loss
        #expect(trained < untrained, "loss \(untrained) → \(trained)")
        let (probabilities, targets) = try learner.getPreds(data.valid)
        #expect(probabilities.shape == [12, 2])
        #expect(targets == (0..<12).map { $0 % 2 })
        let first = try data.valid.batch([0]).images
        let (label, p) = try learner.predict(first)
        #expect(p.count == 2 && abs(p.reduce(0, +) - 1) < 1e-5)
        #expect(label == (p[0] >= p[1] ? 0 : 1))
    }

    @Test func freezeResetsAdamStateAndFitKeepsIt() throws {
        let build = try createCNN(data: try DataBunch(classCount: 2), arch: .resnet18, pretrained: false, seed: 5)
        let learner = build.learner
        var data = try Self.toyData(batchSize: 16)
        _ = try learner.fit(epochs: 1, lr: .value(1e-3), data: &data)
        #expect(learner.optimizer?.adam.states.contains { $0?.step == 2 } == true)
        _ = try learner.fit(epochs: 1, lr: .value(1e-3), data: &data)
        #expect(learner.optimizer?.adam.states.contains { $0?.step == 4 } == true)  // G5: state persists
        try learner.freeze()
        #expect(learner.optimizer?.adam.states.allSatisfy { $0 == nil } == true)  // G4: reset
        // A frozen conv stays bit-identical through a fit.
        let stem = try #require(build.model.namedParameters().first { $0.name == "0.0.weight" }?.parameter)
        let before = stem.value
        _ = try learner.fit(epochs: 1, lr: .value(1e-3), data: &data)
        #expect(stem.value == before)
        #expect(stem.grad == nil)
    }

    @Test func aLossThatBecomesNaNStopsNamingTheBatch() throws {
        let build = try createCNN(data: try DataBunch(classCount: 2), arch: .resnet18, pretrained: false, seed: 5)
        let head = try #require(build.model.namedParameters().first { $0.name == "1.8.bias" }?.parameter)
        head.value = Tensor([.nan, 0])
        var data = try Self.toyData()
        #expect {
            _ = try build.learner.fitOneCycle(epochs: 1, data: &data)
        } throws: { error in
            "\(error)".contains("the training loss became NaN at epoch 0, batch 1 of 4")
        }
        #expect(throws: TrainingError("the number of epochs must be at least 1, got 0")) {
            _ = try build.learner.fitOneCycle(epochs: 0, data: &data)
        }
    }
}
