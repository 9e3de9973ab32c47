import ArgumentParser
import Fastai
import Foundation
import NN
import Rendering
import Tensors

/// `learnerlens bench`: times the forward pass of an arch's body, one convolution, or (`--train`)
/// one training step of a create_cnn model, in-process.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the forward pass of an architecture's body (eval mode) and report ms and GFLOP/s; with --train, one training step.")

    @Option(help: "Architecture: \(Architecture.knownNames).")
    var arch = "resnet34"

    @Option(help: "Images per batch.")
    var batch = 1

    @Option(help: "Side of the square input images.")
    var size = 224

    @Option(help: "Timed iterations (after a warm-up of at least 0.3 s).")
    var iterations = 10

    @Option(help: "BLAS threads (default: all cores).")
    var threads: Int?

    @Option(help: "Output format: text or json.")
    var format: BenchFormat = .text

    @Option(help: "What to time: model (an arch's body) or conv (one convolution layer).")
    var op: BenchOp = .model

    @Option(help: "conv: input channels.")
    var channels = 64

    @Option(help: "conv: output channels (default: same as --channels).")
    var outChannels: Int?

    @Option(help: "conv: kernel side (padding keeps the size: kernel/2).")
    var kernel = 3

    @Option(help: "conv: stride.")
    var stride = 1

    @Option(help: "conv: algorithm — automatic, im2col, winograd2 or winograd4.")
    var algorithm: AlgorithmChoice = .automatic

    @Option(help: "GEMM library: onednn or openblas.")
    var blas: GEMM.Library = .onednn

    @Flag(help: "model: run the reference path (im2col everywhere, no BatchNorm folding) instead of the fast paths.")
    var reference = false

    @Flag(help: "model: also time each stage on its own (a ResNet's stem — conv1, bn1, relu, maxpool — then layer1–4).")
    var stages = false

    @Flag(
        help:
            "Time one training step of create_cnn(arch) instead: train-mode forward, cross-entropy, backward, AdamW; with --op conv, also the layer's input and weight gradients."
    )
    var train = false

    @Flag(help: "train: freeze the body as fastai's freeze() does (batch norms still train); default: unfrozen.")
    var frozen = false

    @Flag(help: "train: also time each operation's backward (per step, by the operation that recorded it).")
    var profile = false

    @Option(help: "train: classes of the head (Fashion-MNIST's 10 by default).")
    var classes = 10

    enum BenchFormat: String, ExpressibleByArgument { case text, json }
    enum BenchOp: String, ExpressibleByArgument { case model, conv }
    enum AlgorithmChoice: String, ExpressibleByArgument {
        case automatic, im2col, winograd2, winograd4
        var algorithm: ConvAlgorithm {
            switch self {
            case .automatic: .automatic
            case .im2col: .im2col
            case .winograd2: .winograd(.f2)
            case .winograd4: .winograd(.f4)
            }
        }
    }

    func validate() throws {
        guard Architecture(rawValue: arch) != nil else {
            throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)")
        }
        if batch < 1 || size < 1 || iterations < 1 { throw ValidationError("--batch, --size and --iterations must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
        if classes < 2 { throw ValidationError("--classes must be at least 2") }
        if frozen && !train { throw ValidationError("--frozen needs --train") }
        if channels < 1 || (outChannels ?? 1) < 1 || kernel < 1 || stride < 1 {
            throw ValidationError("--channels, --out-channels, --kernel and --stride must be positive")
        }
    }

    /// Times `work` after a warm-up of at least 0.3 s: milliseconds in run order. The warm-up fills
    /// the caches and scratch pools, and outlasts the BLAS's idle worker thread, which spins on a
    /// core for about 0.1 s after the process starts before it sleeps.
    func timings(minimumWarmUps: Int = 1, _ work: () throws -> Void) rethrows -> [Double] {
        let warmUpEnd = DispatchTime.now().uptimeNanoseconds + 300_000_000
        var warmUps = 0
        repeat {
            try work()
            warmUps += 1
        } while DispatchTime.now().uptimeNanoseconds < warmUpEnd || warmUps < minimumWarmUps
        var times: [Double] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            try work()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times
    }

    static func median(_ times: [Double]) -> Double {
        let sorted = times.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// One convolution layer: the chosen algorithm vs im2col, time and agreement.
    func runConv() throws {
        var g = RandomGenerator(seed: 0)
        let oc = outChannels ?? channels
        let geometry = ConvGeometry(
            kernel: (kernel, kernel), stride: (stride, stride), padding: (kernel / 2, kernel / 2))
        let conv = try ConvKernel(
            weight: Tensor.normal([oc, channels, kernel, kernel], generator: &g).scaled(by: 0.05), bias: nil, geometry)
        let x = Tensor.normal([batch, channels, size, size], generator: &g)
        let chosen = algorithm.algorithm == .automatic ? conv.algorithm(for: x.shape) : algorithm.algorithm
        var y = x
        let times = try timings { y = try conv(x, algorithm: chosen) }
        let reference = try conv(x, algorithm: .im2col)
        let flops = 2 * Double(batch * oc * y.shape[2] * y.shape[3] * channels * kernel * kernel)
        let median = Self.median(times)
        var report = ConvBenchReport(
            batch: batch, channels: channels, outChannels: oc, size: size, kernel: kernel, stride: stride,
            algorithm: chosen.description, threads: ExecutionOptions.current.threads, blas: GEMM.configuration(of: blas), medianMs: median,
            minMs: times.min() ?? 0,
            gflops: flops / (median / 1000) / 1e9, maxRelativeError: y.maxRelativeDifference(from: reference))
        if train {
            // The backward's two halves on their own, each against the reference path's result.
            let dy = Tensor.normal(y.shape, generator: &g)
            func gradient(_ which: Int, _ options: ExecutionOptions) -> Tensor? {
                options.run {
                    Tensor.conv2dBackward(
                        dy, input: x, inputShape: x.shape, weight: conv.weight, geometry, needs: [which == 0, which == 1])[which]
                }
            }
            var reference = ExecutionOptions.current
            reference.fastPaths = false
            report.backward = try [("input", 0), ("weight", 1)].map { name, which in
                var result: Tensor?
                let t = timings { result = gradient(which, .current) }
                guard let result, let expected = gradient(which, reference) else { throw ValidationError("no \(name) gradient") }
                return ConvBackwardTime(
                    gradient: name, medianMs: Self.median(t), minMs: t.min() ?? 0, maxRelativeError: result.maxRelativeDifference(from: expected))
            }
        }
        switch format {
        case .json: print(Format.json(report))
        case .text:
            print(
                "conv \(channels)→\(oc) \(kernel)×\(kernel) stride \(stride) on \(batch)×\(channels)×\(size)×\(size), \(chosen), \(report.threads) threads\n"
                    + "median \(Format.decimal(median, places: 3)) ms · min \(Format.decimal(times.min() ?? 0, places: 3)) ms · "
                    + "\(Format.decimal(report.gflops, places: 1)) GFLOP/s (direct-convolution count) · "
                    + "max relative difference from im2col \(String(format: "%.1e", report.maxRelativeError))")
            for b in report.backward ?? [] {
                print(
                    "  \(b.gradient) gradient: median \(Format.decimal(b.medianMs, places: 3)) ms · min \(Format.decimal(b.minMs, places: 3)) ms · "
                        + "max relative difference from the reference path \(String(format: "%.1e", b.maxRelativeError))")
            }
        }
    }

    /// The options the timed work runs with: `--threads`, `--blas`, and `--reference` for a model.
    var options: ExecutionOptions {
        var o = ExecutionOptions(fastPaths: !reference, gemm: blas)
        if let threads { o.threads = threads }
        return o
    }

    func run() throws {
        try reportingErrors {
            let options = self.options
            if op == .conv { return try options.run { try runConv() } }
            if train { return try options.run { try runTrain() } }
            let a = Architecture(rawValue: arch)!
            var g = RandomGenerator(seed: 0)
            let full = a.make(generator: &g)
            let body = try createBody(full, cut: cnnConfig(a).cut)
            body.eval()
            let x = Tensor.normal([batch, 3, size, size], generator: &g)
            let flops = try body.countFLOPs(x)
            // The reference path: im2col everywhere, every layer on its own.
            var referenceOptions = options
            referenceOptions.fastPaths = false
            let expected = try referenceOptions.run { try body(x) }
            var y = expected
            let times = try options.run { try timings { y = try body(x) } }
            let median = Self.median(times)
            var stageTimes: [StageTime] = []
            if stages {
                let children = body.children
                let groups =
                    [("stem", Sequential(Array(children.prefix(4))))]
                    + children.dropFirst(4).enumerated().map { ("layer\($0.offset + 1)", $0.element) }
                var h = x
                for (name, part) in groups {
                    var out = h
                    let t = try options.run { try timings { out = try part(h) } }
                    stageTimes.append(StageTime(name: name, medianMs: Self.median(t)))
                    h = out
                }
            }
            let report = BenchReport(
                arch: a.rawValue, batch: batch, size: size, iterations: iterations, threads: options.threads,
                medianMs: median, minMs: times.min() ?? 0, gflops: Double(flops) / (median / 1000) / 1e9,
                gflopPerImage: Double(flops) / Double(batch) / 1e9, peakRssMb: PeakMemory.megabytes, blas: GEMM.configuration(of: blas),
                path: reference ? "reference" : "fast", maxRelativeError: y.maxRelativeDifference(from: expected),
                timesMs: times.map { ($0 * 1000).rounded() / 1000 },
                stages: stageTimes.isEmpty ? nil : stageTimes)
            switch format {
            case .json: print(Format.json(report))
            case .text:
                print(
                    "\(a.rawValue) body, batch \(batch), \(size)×\(size), \(report.threads) threads (\(report.blas))\n"
                        + "median \(Format.decimal(median, places: 2)) ms · min \(Format.decimal(times.min() ?? 0, places: 2)) ms · "
                        + "\(Format.decimal(report.gflops, places: 1)) GFLOP/s · \(Format.decimal(report.gflopPerImage, places: 2)) GFLOP/image · "
                        + "peak RSS \(Format.decimal(report.peakRssMb, places: 0)) MB\n"
                        + "\(report.path) path · max relative difference from the reference path \(String(format: "%.1e", report.maxRelativeError))"
                        + stageTimes.map { "\n  \($0.name): \(Format.decimal($0.medianMs, places: 2)) ms" }.joined())
            }
        }
    }
}

struct BenchReport: Encodable {
    var arch: String, batch: Int, size: Int, iterations: Int, threads: Int
    var medianMs: Double, minMs: Double, gflops: Double, gflopPerImage: Double, peakRssMb: Double, blas: String
    var path: String, maxRelativeError: Float
    var timesMs: [Double]
    var stages: [StageTime]?
    enum CodingKeys: String, CodingKey {
        case arch, batch, size, iterations, threads, gflops, blas, path, stages
        case medianMs = "median_ms"
        case minMs = "min_ms"
        case gflopPerImage = "gflop_per_image"
        case peakRssMb = "peak_rss_mb"
        case maxRelativeError = "max_rel_error"
        case timesMs = "times_ms"
    }
}

struct StageTime: Encodable {
    var name: String, medianMs: Double
    enum CodingKeys: String, CodingKey {
        case name
        case medianMs = "median_ms"
    }
}

struct ConvBenchReport: Encodable {
    var batch: Int, channels: Int, outChannels: Int, size: Int, kernel: Int, stride: Int
    var algorithm: String, threads: Int, blas: String, medianMs: Double, minMs: Double, gflops: Double, maxRelativeError: Float
    /// With `--train`: the input and weight gradients' times.
    var backward: [ConvBackwardTime]?
    enum CodingKeys: String, CodingKey {
        case batch, channels, size, kernel, stride, algorithm, threads, blas, gflops, backward
        case outChannels = "out_channels"
        case medianMs = "median_ms"
        case minMs = "min_ms"
        case maxRelativeError = "max_rel_error"
    }
}

struct ConvBackwardTime: Encodable {
    var gradient: String, medianMs: Double, minMs: Double, maxRelativeError: Float
    enum CodingKeys: String, CodingKey {
        case gradient
        case medianMs = "median_ms"
        case minMs = "min_ms"
        case maxRelativeError = "max_rel_error"
    }
}

/// The process's peak resident memory (VmHWM) and current one (VmRSS), Linux only.
enum PeakMemory {
    static var megabytes: Double { field("VmHWM:") }
    static var currentMegabytes: Double { field("VmRSS:") }

    private static func field(_ name: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
}

extension GEMM.Library: ExpressibleByArgument {}
