import ArgumentParser
import Fastai
import Foundation
import NN
import Rendering
import Tensors

/// `learnerlens bench`: times the forward pass of an arch's body, in-process.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the forward pass of an architecture's body (eval mode) and report ms and GFLOP/s.")

    @Option(help: "Architecture: \(Architecture.knownNames).")
    var arch = "resnet34"

    @Option(help: "Images per batch.")
    var batch = 1

    @Option(help: "Side of the square input images.")
    var size = 224

    @Option(help: "Timed iterations (after one warm-up).")
    var iterations = 10

    @Option(help: "BLAS threads (default: all cores).")
    var threads: Int?

    @Option(help: "Output format: text or json.")
    var format: BenchFormat = .text

    enum BenchFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        guard Architecture(rawValue: arch) != nil else {
            throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)")
        }
        if batch < 1 || size < 1 || iterations < 1 { throw ValidationError("--batch, --size and --iterations must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        try reportingErrors {
            let a = Architecture(rawValue: arch)!
            if let threads { GEMM.threads = threads }
            var g = RandomGenerator(seed: 0)
            let full = a.make(generator: &g)
            let body = try createBody(full, cut: cnnConfig(a).cut)
            body.eval()
            let x = Tensor.normal([batch, 3, size, size], generator: &g)
            let flops = try body.countFLOPs(x)  // doubles as the warm-up
            var times: [Double] = []
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try body(x)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
            let report = BenchReport(
                arch: a.rawValue, batch: batch, size: size, iterations: iterations, threads: GEMM.threads,
                medianMs: median, minMs: times[0], gflops: Double(flops) / (median / 1000) / 1e9,
                gflopPerImage: Double(flops) / Double(batch) / 1e9, peakRssMb: PeakMemory.megabytes, blas: GEMM.configuration)
            switch format {
            case .json: print(Format.json(report))
            case .text:
                print(
                    "\(a.rawValue) body, batch \(batch), \(size)×\(size), \(report.threads) threads (\(report.blas))\n"
                        + "median \(Format.decimal(median, places: 2)) ms · min \(Format.decimal(times[0], places: 2)) ms · "
                        + "\(Format.decimal(report.gflops, places: 1)) GFLOP/s · \(Format.decimal(report.gflopPerImage, places: 2)) GFLOP/image · "
                        + "peak RSS \(Format.decimal(report.peakRssMb, places: 0)) MB")
            }
        }
    }
}

struct BenchReport: Encodable {
    var arch: String, batch: Int, size: Int, iterations: Int, threads: Int
    var medianMs: Double, minMs: Double, gflops: Double, gflopPerImage: Double, peakRssMb: Double, blas: String
    enum CodingKeys: String, CodingKey {
        case arch, batch, size, iterations, threads, gflops, blas
        case medianMs = "median_ms", minMs = "min_ms", gflopPerImage = "gflop_per_image", peakRssMb = "peak_rss_mb"
    }
}

/// The process's peak resident memory (VmHWM), Linux only.
enum PeakMemory {
    static var megabytes: Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
}
