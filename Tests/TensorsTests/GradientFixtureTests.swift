import Foundation
import Tensors
import Testing

/// Every op's input and parameter gradients against PyTorch autograd (scripts/make_fixtures.py
/// --gradients), relative error ≤ 1e-4, on every execution path.
@Suite struct GradientFixtureTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var op: String
        var inputs: [String]
        var kernel: Int?
        var stride: Int?
        var padding: Int?
        var dilation: Int?
        var groups: Int?
        var training: Bool?
        var ceil_mode: Bool?
        var count_include_pad: Bool?
        var output_size: [Int]?
        var targets: [Int]?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "gradients", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        struct File: Decodable { var cases: [Case] }
        return (try? JSONDecoder().decode(File.self, from: data).cases) ?? []
    }()

    static let tensors: [String: Tensor] = {
        guard let url = Bundle.module.url(forResource: "gradients", withExtension: "safetensors", subdirectory: "Fixtures"),
            let archive = try? SafetensorsArchive.read(contentsOf: url)
        else { return [:] }
        return archive.tensors
    }()

    @Test func fixturesArePresent() {
        #expect(Self.cases.count >= 30)
        #expect(Self.tensors.count > 100)
    }

    @Test(arguments: cases, [ExecutionOptions(), ExecutionOptions(fastPaths: false, gemm: .openblas, threads: 1)])
    func matchesPyTorch(_ c: Case, _ options: ExecutionOptions) throws {
        try options.run { try check(c) }
    }

    func check(_ c: Case) throws {
        let t = Self.tensors
        let inputs = try c.inputs.map { try #require(t["\(c.name).\($0)"]) }
        let seed = try #require(t["\(c.name).seed"])
        let k = c.kernel ?? 1, s = c.stride ?? 1, p = c.padding ?? 0
        var running: RunningStatistics?
        let (y, grads) = try tapeGradients(inputs, seed: seed) { v in
            switch c.op {
            case "conv2d":
                let g = ConvGeometry(
                    kernel: (k, k), stride: (s, s), padding: (p, p), dilation: (c.dilation ?? 1, c.dilation ?? 1), groups: c.groups ?? 1)
                return try Tensor.conv2d(v[0], weight: v[1], bias: v.count > 2 ? v[2] : nil, g)
            case "batch_norm":
                var r = RunningStatistics(
                    mean: try #require(t["\(c.name).running_mean"]), variance: try #require(t["\(c.name).running_var"]))
                defer { running = r }
                return try Tensor.batchNorm(v[0], weight: v[1], bias: v[2], running: &r, training: c.training ?? false)
            case "max_pool2d":
                return try Tensor.maxPool2d(v[0], PoolGeometry(kernel: (k, k), stride: (s, s), padding: (p, p), ceilMode: c.ceil_mode ?? false))
            case "avg_pool2d":
                return try Tensor.avgPool2d(
                    v[0], PoolGeometry(kernel: (k, k), stride: (s, s), padding: (p, p), ceilMode: c.ceil_mode ?? false),
                    countIncludePad: c.count_include_pad ?? true)
            case "adaptive_avg_pool2d":
                let o = try #require(c.output_size)
                return try Tensor.adaptiveAvgPool2d(v[0], outputSize: (o[0], o[1]))
            case "adaptive_max_pool2d":
                let o = try #require(c.output_size)
                return try Tensor.adaptiveMaxPool2d(v[0], outputSize: (o[0], o[1]))
            case "adaptive_concat_pool2d":
                return try Tensor.concatenate(
                    [Tensor.adaptiveMaxPool2d(v[0], outputSize: (1, 1)), Tensor.adaptiveAvgPool2d(v[0], outputSize: (1, 1))], dim: 1)
            case "linear": return try Tensor.linear(v[0], weight: v[1], bias: v[2])
            case "relu": return v[0].relu()
            case "dropout": return v[0].dropout(mask: try #require(t["\(c.name).mask"]))
            case "add": return try Tensor.add(v[0], v[1])
            case "cat": return try Tensor.concatenate(v, dim: 1)
            case "flatten": return try v[0].flattened()
            case "cross_entropy": return try Tensor.crossEntropy(v[0], targets: try #require(c.targets))
            default: throw TensorError("unknown op \(c.op)")
            }
        }
        let expected = try #require(t["\(c.name).output"])
        #expect(y.maxRelativeDifference(from: expected) <= 1e-4, "\(c.name) output")
        for (name, grad) in zip(c.inputs, grads) {
            let reference = try #require(t["\(c.name).grad.\(name)"])
            let g = try #require(grad, "\(c.name): no gradient for \(name)")
            #expect(g.maxRelativeDifference(from: reference) <= 1e-4, "\(c.name) grad.\(name)")
        }
        if c.op == "batch_norm", let running {
            let mean = try #require(t["\(c.name).new_running_mean"]), variance = try #require(t["\(c.name).new_running_var"])
            #expect(running.mean.maxRelativeDifference(from: mean) <= 1e-5)
            #expect(running.variance.maxRelativeDifference(from: variance) <= 1e-5)
        }
    }
}
