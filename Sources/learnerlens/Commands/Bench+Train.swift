import Fastai
import Foundation
import NN
import Rendering
import Tensors

/// `learnerlens bench --train`: one training step of a `create_cnn` model — train-mode forward
/// (dropout on), `CrossEntropyFlat` (mean), backward, then fastai's AdamW step through the
/// learner's own `LearnerOptimizer` and `zero_grad` — timed as `fit` runs it, with each phase's
/// share. The counterpart is `scripts/bench_train_torch.py`; `scripts/compare_train.sh` runs both.
extension Bench {
    func runTrain() throws {
        let a = Architecture(rawValue: arch)!
        let build = try createCNN(data: DataBunch(classCount: classes), arch: a, pretrained: false, seed: 0)
        let learner = build.learner
        if frozen { try learner.freeze() }
        var optimizer = try learner.makeOptimizer(lr: .value(1e-4), wd: 1e-2)
        let model = learner.model
        model.train()
        var g = RandomGenerator(seed: 1)
        let x = Tensor.normal([batch, 3, size, size], generator: &g)
        let targets = (0..<batch).map { $0 % classes }
        let rssBefore = PeakMemory.currentMegabytes
        var phases: [[Double]] = [[], [], []]
        var profile: [String: (count: Int, ms: Double)] = [:]
        var profiled = 0
        func step() throws {
            var marks = [DispatchTime.now().uptimeNanoseconds]
            optimizer.zeroGrad()
            let tape = Tape()
            tape.profiling = self.profile
            let loss = try tape.run { try Tensor.crossEntropy(model(x), targets: targets) }
            marks.append(DispatchTime.now().uptimeNanoseconds)
            if loss.isTracked { try tape.backward(from: loss) }
            if self.profile {
                for (k, v) in tape.backwardProfile {
                    profile[k, default: (0, 0)].count += v.count
                    profile[k, default: (0, 0)].ms += v.ms
                }
                profiled += 1
            }
            marks.append(DispatchTime.now().uptimeNanoseconds)
            try optimizer.step()
            marks.append(DispatchTime.now().uptimeNanoseconds)
            for i in 0..<3 { phases[i].append(Double(marks[i + 1] - marks[i]) / 1e6) }
        }
        let times = try timings(minimumWarmUps: 2) { try step() }
        // Per operation, the mean backward milliseconds per step over every step run (warm-up included).
        let backwardOps = profile.map {
            BackwardOpTime(op: $0.key, nodes: $0.value.count / max(1, profiled), ms: $0.value.ms / Double(max(1, profiled)))
        }
        .sorted { $0.ms > $1.ms }
        // The last `iterations` steps are the timed ones.
        let timed = phases.map { Array($0.suffix(iterations)) }
        let trainable = model.parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.count }
        let report = TrainBenchReport(
            arch: a.rawValue, batch: batch, size: size, frozen: frozen, classes: classes, iterations: iterations,
            threads: ExecutionOptions.current.threads, trainableParameters: trainable, medianMs: Self.median(times),
            minMs: times.min() ?? 0, forwardMs: Self.median(timed[0]), backwardMs: Self.median(timed[1]),
            optimizerMs: Self.median(timed[2]), peakRssMb: PeakMemory.megabytes, modelRssMb: rssBefore,
            blas: GEMM.configuration(of: blas), timesMs: times.map { ($0 * 1000).rounded() / 1000 },
            backwardOps: backwardOps.isEmpty ? nil : backwardOps)
        switch format {
        case .json: print(Format.json(report))
        case .text:
            print(
                "\(a.rawValue) create_cnn training step, batch \(batch), \(size)×\(size), \(frozen ? "frozen" : "unfrozen") "
                    + "(\(trainable) trainable parameters), \(report.threads) threads (\(report.blas))\n"
                    + "median \(Format.decimal(report.medianMs, places: 1)) ms · min \(Format.decimal(report.minMs, places: 1)) ms · "
                    + "forward \(Format.decimal(report.forwardMs, places: 1)) · backward \(Format.decimal(report.backwardMs, places: 1)) · "
                    + "optimizer \(Format.decimal(report.optimizerMs, places: 1)) ms\n"
                    + "peak RSS \(Format.decimal(report.peakRssMb, places: 0)) MB (model and input: \(Format.decimal(rssBefore, places: 0)) MB)"
                    + backwardOps.map { "\n  backward \($0.op) ×\($0.nodes): \(Format.decimal($0.ms, places: 1)) ms" }.joined())
        }
    }
}

struct TrainBenchReport: Encodable {
    var arch: String, batch: Int, size: Int, frozen: Bool, classes: Int, iterations: Int, threads: Int
    var trainableParameters: Int
    var medianMs: Double, minMs: Double, forwardMs: Double, backwardMs: Double, optimizerMs: Double
    var peakRssMb: Double, modelRssMb: Double, blas: String
    var timesMs: [Double]
    var backwardOps: [BackwardOpTime]?
    enum CodingKeys: String, CodingKey {
        case arch, batch, size, frozen, classes, iterations, threads, blas
        case backwardOps = "backward_ops"
        case trainableParameters = "trainable_parameters"
        case medianMs = "median_ms"
        case minMs = "min_ms"
        case forwardMs = "forward_ms"
        case backwardMs = "backward_ms"
        case optimizerMs = "optimizer_ms"
        case peakRssMb = "peak_rss_mb"
        case modelRssMb = "model_rss_mb"
        case timesMs = "times_ms"
    }
}

struct BackwardOpTime: Encodable {
    var op: String, nodes: Int, ms: Double
}
