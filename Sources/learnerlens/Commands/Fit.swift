import ArgumentParser
import Fastai
import Foundation
import NN
import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// `learnerlens fit`: create_cnn + fit_one_cycle on a folder of images or Fashion-MNIST, printing fastai v1's table.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train create_cnn's model on a folder of images (or Fashion-MNIST) with fit_one_cycle and print fastai's table.",
        discussion: """
            Data: a folder of JPEG/PNG images labelled and split as `learnerlens data` does (PATH with --pat, \
            --folder or --csv), the training set with get_transforms(), the validation set resized and \
            centre-cropped; without PATH, Debian's dataset-fashion-mnist (60k training images, the 10k test \
            images as the validation set), grayscale repeated to 3 channels. Both are normalised with \
            ImageNet's statistics (Lesson 1's `.normalize(imagenet_stats)`; fastai v1's create_cnn does not \
            normalise by itself, so this holds with and without --pretrained). With --pretrained (the default) \
            the body is frozen as fastai's create_cnn does, whether or not weights were found. --save writes \
            learn.save(with_opt=True) as one safetensors file (state dict, Adam state, and what \
            `learnerlens predict` needs); --load continues from such a file.
            """)

    @OptionGroup var setup: LearnerSetup

    @Option(help: "Epochs (fit_one_cycle's cyc_len).")
    var epochs: Int = 1

    @Option(help: "Maximum learning rate: one value, or 'a,b' for slice(a, b) over the layer groups. Default: fastai's slice(3e-3).")
    var lr: String?

    @Option(help: "Weight decay (fastai's default 1e-2).")
    var wd: Double = 1e-2

    @Option(help: "After training, write the learner here (safetensors: state dict, optimizer state, arch, classes, size, stats).")
    var save: String?

    @Option(help: "Before training, load a learner written by --save (weights and optimizer state; same --arch and freezing).")
    var load: String?

    @Option(help: "Output: text (fastai's table) or json (rows plus the recorder's lrs, moms and losses).")
    var format: FitFormat = .text

    enum FitFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func parsedLR() throws -> LearningRate {
        guard let lr else { return .fastaiDefault }
        let parts = lr.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = try parts.map { p -> Double in
            guard let v = Double(p) else { throw ValidationError("--lr takes a number or 'a,b', got '\(lr)'") }
            guard v.isFinite, v > 0 else { throw ValidationError("--lr values must be positive numbers, got '\(p)'") }
            return v
        }
        switch values.count {
        case 1: return .value(values[0])
        case 2:
            guard values[0] <= values[1] else {
                throw ValidationError("--lr \(lr): slice(a, b) needs a ≤ b (the earliest layers get the smallest rate)")
            }
            return .slice(start: values[0], stop: values[1])
        default: throw ValidationError("--lr takes one value or two ('a,b'), got \(values.count)")
        }
    }

    /// fastai's spelling of the normalisation in use.
    static func describe(_ n: Normalization?) -> String {
        guard let n else { return "not normalised" }
        if n == .imagenet { return "normalize(imagenet_stats)" }
        return "normalize(\(n.mean), \(n.std))"
    }

    func validate() throws {
        if epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if !(wd >= 0 && wd.isFinite) { throw ValidationError("--wd must be a non-negative number, got \(wd)") }
        _ = try parsedLR()
    }

    func run() throws {
        try reportingErrors {
            let maxLR = try parsedLR()
            if let save { try FileChecks.writable(save, option: "--save") }
            if let load { try FileChecks.readable(load, option: "--load") }
            let (build, counts, learnerData) = try setup.make()
            let learner = build.learner
            var data = learnerData
            let normalization = data.train.normalization
            if let load {
                let saved = try learner.load(from: URL(fileURLWithPath: load), arch: setup.arch)
                if saved.size != setup.size { Console.note("\(load) was trained at size \(saved.size); training goes on at \(setup.size)") }
                if saved.normalization != normalization {
                    Console.note(
                        "\(load) was trained with normalisation \(Self.describe(saved.normalization)); this run uses \(Self.describe(normalization))")
                }
            }
            let table = StatsTable(metricNames: learner.metrics)
            let bar = ProgressBar(enabled: format == .text && isatty(STDERR_FILENO) == 1, epochs: epochs)
            if format == .text {
                Output.write(
                    "# create_cnn(\(setup.arch), pretrained=\(setup.pretrained ? "True" : "False")), fit_one_cycle(\(epochs), \(maxLR)); \(setup.path ?? "Fashion-MNIST") \(counts.train) train / \(counts.valid) valid, size \(setup.size), \(Self.describe(normalization))\(load.map { ", from \($0)" } ?? "")\n"
                )
                Output.write(table.header + "\n")
            }
            let stats = try learner.fitOneCycle(epochs: epochs, maxLR: maxLR, wd: wd, data: &data) { event in
                switch event {
                case .epoch(let row):
                    bar.clear()
                    if format == .text {
                        Output.write(
                            table.row(
                                epoch: row.epoch, trainLoss: row.trainLoss, validLoss: row.validLoss, metrics: row.metrics, seconds: row.seconds)
                                + "\n")
                    }
                default: bar.update(event)
                }
            }
            bar.clear()
            if let save {
                let info = SavedModelInfo(
                    arch: setup.arch, classes: learner.data.classes, size: setup.size, normalization: normalization, channels: 3)
                try learner.save(to: URL(fileURLWithPath: save), info: info)
            }
            if format == .json {
                let r = learner.recorder
                let report = FitReport(
                    arch: setup.arch, epochs: epochs, lr: maxLR.description, batchSize: setup.bs, size: setup.size,
                    normalize: Self.describe(normalization),
                    trainImages: counts.train, validImages: counts.valid,
                    rows: stats.map {
                        FitReport.Row(
                            epoch: $0.epoch, trainLoss: $0.trainLoss, validLoss: $0.validLoss, errorRate: $0.metrics.first, seconds: $0.seconds)
                    }, lrs: r.lrs, moms: r.moms, losses: r.losses)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                Output.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
            }
        }
    }
}

/// `fit --format json`.
struct FitReport: Encodable {
    struct Row: Encodable {
        var epoch: Int
        var trainLoss: Float
        var validLoss: Float?
        var errorRate: Float?
        var seconds: Double
        enum CodingKeys: String, CodingKey {
            case epoch, seconds
            case trainLoss = "train_loss"
            case validLoss = "valid_loss"
            case errorRate = "error_rate"
        }
    }
    var arch: String
    var epochs: Int
    var lr: String
    var batchSize: Int
    var size: Int
    var normalize: String
    var trainImages: Int
    var validImages: Int
    var rows: [Row]
    var lrs: [[Double]]
    var moms: [Double]
    var losses: [Float]
    enum CodingKeys: String, CodingKey {
        case arch, epochs, lr, size, normalize, rows, lrs, moms, losses
        case batchSize = "bs"
        case trainImages = "train_images"
        case validImages = "valid_images"
    }
}

/// fastprogress's bar on standard error, only on a terminal: batches done/total, elapsed, ETA and
/// the smoothed loss, redrawn in place.
final class ProgressBar {
    let enabled: Bool
    let epochs: Int
    private var start = Date()
    private var epochStart = Date()
    private var currentEpoch = -1

    init(enabled: Bool, epochs: Int) {
        self.enabled = enabled
        self.epochs = epochs
    }

    func update(_ event: TrainingEvent) {
        guard enabled else { return }
        switch event {
        case .batch(let epoch, let batch, let total, let loss):
            if epoch != currentEpoch {
                currentEpoch = epoch
                epochStart = Date()
            }
            let elapsed = Date().timeIntervalSince(epochStart)
            let eta = batch > 0 ? elapsed / Double(batch) * Double(total - batch) : 0
            let width = 30, filled = total > 0 ? width * batch / total : 0
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let text =
                "epoch \(epoch + 1)/\(epochs) \(bar) \(batch)/\(total) [\(StatsTable.formatTime(elapsed))<\(StatsTable.formatTime(eta))] loss \(String(format: "%.4f", loss))"
            FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
        case .validating(let epoch):
            FileHandle.standardError.write(Data("\r\u{1B}[Kepoch \(epoch + 1)/\(epochs): validating…".utf8))
        case .epoch: break
        }
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
