import Foundation
import Tensors
import Testing

/// Every op against PyTorch's own output, from fixtures made by scripts/make_fixtures.py.
@Suite struct PyTorchFixtureTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var op: String
        var stride: [Int]?
        var padding: [Int]?
        var dilation: [Int]?
        var kernel: [Int]?
        var groups: Int?
        var training: Bool?
        var momentum: Float?
        var eps: Float?
        var ceil_mode: Bool?
        var count_include_pad: Bool?
        var output_size: [Int]?
        var dim: Int?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "ops", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        struct File: Decodable { var cases: [Case] }
        return (try? JSONDecoder().decode(File.self, from: data).cases) ?? []
    }()

    static let tensors: SafetensorsArchive? = {
        guard let url = Bundle.module.url(forResource: "ops", withExtension: "safetensors", subdirectory: "Fixtures") else {
            return nil
        }
        return try? SafetensorsArchive.read(contentsOf: url)
    }()

    @Test func fixturesArePresent() {
        #expect(Self.cases.count >= 60)
        #expect(Self.tensors != nil)
    }

    /// Every op on every path: fast and reference, oneDNN's and OpenBLAS's GEMM.
    @Test(arguments: cases, ExecutionOptions.allPaths)
    func matchesPyTorch(_ c: Case, _ options: ExecutionOptions) throws {
        try options.run { try check(c) }
    }

    func check(_ c: Case) throws {
        let t = try #require(Self.tensors).tensors
        let x = try #require(t["\(c.name).input"])
        let expected = try #require(t["\(c.name).output"])
        let pair = { (v: [Int]?, d: Int) in (v?[0] ?? d, v?[1] ?? d) }
        var y: Tensor
        switch c.op {
        case "conv2d":
            let w = try #require(t["\(c.name).weight"])
            let g = ConvGeometry(
                kernel: (w.shape[2], w.shape[3]), stride: pair(c.stride, 1), padding: pair(c.padding, 0),
                dilation: pair(c.dilation, 1), groups: c.groups ?? 1)
            y = try Tensor.conv2d(x, weight: w, bias: t["\(c.name).bias"], g)
        case "batch_norm2d", "batch_norm1d":
            var running = RunningStatistics(
                mean: try #require(t["\(c.name).running_mean"]), variance: try #require(t["\(c.name).running_var"]))
            y = try Tensor.batchNorm(
                x, weight: t["\(c.name).weight"], bias: t["\(c.name).bias"], running: &running,
                training: c.training ?? false, momentum: c.momentum ?? 0.1, eps: c.eps ?? 1e-5)
            if c.training == true {
                #expect(relativeError(running.mean, try #require(t["\(c.name).new_running_mean"])) < 1e-5)
                #expect(relativeError(running.variance, try #require(t["\(c.name).new_running_var"])) < 1e-5)
            }
        case "max_pool2d", "avg_pool2d":
            let g = PoolGeometry(
                kernel: pair(c.kernel, 1), stride: pair(c.stride, 1), padding: pair(c.padding, 0),
                ceilMode: c.ceil_mode ?? false)
            y = c.op == "max_pool2d" ? try Tensor.maxPool2d(x, g) : try Tensor.avgPool2d(x, g, countIncludePad: c.count_include_pad ?? true)
        case "adaptive_avg_pool2d":
            y = try Tensor.adaptiveAvgPool2d(x, outputSize: pair(c.output_size, 1))
        case "adaptive_max_pool2d":
            y = try Tensor.adaptiveMaxPool2d(x, outputSize: pair(c.output_size, 1))
        case "adaptive_concat_pool2d":
            y = try Tensor.concatenate(
                [Tensor.adaptiveMaxPool2d(x, outputSize: (1, 1)), Tensor.adaptiveAvgPool2d(x, outputSize: (1, 1))], dim: 1)
        case "linear":
            y = try Tensor.linear(x, weight: try #require(t["\(c.name).weight"]), bias: t["\(c.name).bias"])
        case "softmax":
            y = try x.softmax(dim: c.dim ?? 1)
        case "relu":
            y = x.relu()
        default:
            Issue.record("unknown op \(c.op)")
            return
        }
        #expect(y.shape == expected.shape)
        #expect(relativeError(y, expected) < 1e-5, "\(c.name)")
    }
}
