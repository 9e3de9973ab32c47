import Foundation
import NN
import Tensors
import Testing

@testable import Fastai

/// fastai's head and whole create_cnn models: loss and every parameter's gradient against PyTorch
/// autograd (scripts/make_fixtures.py --gradients). The head runs from a committed fixture; the
/// whole models are too big to commit and run when `--gradients --models DIR` wrote them
/// (LEARNERLENS_GRADIENT_FIXTURES=DIR, default .fixtures/).
@Suite struct GradientModelTests {
    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["LEARNERLENS_GRADIENT_FIXTURES"] { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.fixtures").standardized
    }

    /// True when the fixture exists, or when CI requires it (`scripts/parity.sh`): then a missing
    /// fixture fails instead of skipping.
    static func present(_ name: String) -> Bool {
        ProcessInfo.processInfo.environment["LEARNERLENS_REQUIRE_MODEL_FIXTURES"] == "1"
            || FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
    }

    static func headFixture() throws -> [String: Tensor] {
        let url = try #require(Bundle.module.url(forResource: "head_gradients", withExtension: "safetensors", subdirectory: "Fixtures"))
        return try SafetensorsArchive.read(contentsOf: url).tensors
    }

    /// fastai's head with torch's dropout masks (batch 4: with 2 items a train-mode BatchNorm1d's
    /// output does not depend on its input, so the input gradient is 0 up to rounding), in train mode: loss, input gradient, every
    /// parameter's gradient and the batch norms' running statistics.
    func checkHead(_ t: [String: Tensor], classes: Int) throws {
        let x = try #require(t["input"])
        var g = RandomGenerator(seed: 0)
        let head = try createHead(nf: x.shape[1] * 2, nc: classes, generator: &g)
        let weights = t.filter { $0.key.hasPrefix("weights.") }.reduce(into: [String: Tensor]()) { $0[String($1.key.dropFirst(8))] = $1.value }
        try head.loadStateDict(weights)
        head.train()
        for (name, m) in head.namedModules() {
            if let d = m as? Dropout { d.fixedMask = t["mask.\(name)"] }
        }
        let targets = try #require(t["targets"]).storage.map { Int($0) }
        final class Box: @unchecked Sendable { var grad: Tensor? }
        let box = Box()
        let tape = Tape()
        for p in head.parameters { p.zeroGrad() }
        let (loss, output) = try tape.run { () throws -> (Tensor, Tensor) in
            let input = tape.leaf(x) { box.grad = $0 }
            let y = try head(input)
            return (try Tensor.crossEntropy(y, targets: targets), y)
        }
        try tape.backward(from: loss)
        #expect(output.maxRelativeDifference(from: try #require(t["output"])) <= 1e-4)
        #expect(abs(loss.storage[0] - (try #require(t["loss"])).storage[0]) <= 1e-5 * max(1, abs(loss.storage[0])))
        let inputGradient = try #require(box.grad).maxRelativeDifference(from: try #require(t["grad.input"]))
        #expect(inputGradient <= 1e-4)
        for (name, p) in head.namedParameters() {
            let reference = try #require(t["grad.\(name)"])
            let grad = try #require(p.grad, "no gradient for \(name)")
            #expect(grad.maxRelativeDifference(from: reference) <= 1e-4, "grad.\(name)")
        }
        for (name, b) in head.namedBuffers() where name.contains("running") {
            #expect(b.value.maxRelativeDifference(from: try #require(t["after.\(name)"])) <= 1e-5, "\(name)")
        }
    }

    @Test func headMatchesPyTorch() throws {
        try checkHead(Self.headFixture(), classes: 10)
    }

    @Test(.enabled(if: present("head512_gradients.safetensors")))
    func head512MatchesPyTorch() throws {
        let t = try SafetensorsArchive.read(contentsOf: Self.directory.appendingPathComponent("head512_gradients.safetensors")).tensors
        try checkHead(t, classes: 37)
    }

    /// ‖a − b‖ / ‖b‖ (Frobenius), in Double.
    static func normRelative(_ a: Tensor, _ b: Tensor) -> Double {
        var d = 0.0, n = 0.0
        for (x, y) in zip(a.storage, b.storage) {
            d += Double(x - y) * Double(x - y)
            n += Double(y) * Double(y)
        }
        return (d / max(n, .leastNormalMagnitude)).squareRoot()
    }

    /// Looser floors where no well-conditioned input was found. densenet121 at 64×64, batch 4: the best of
    /// 16 inputs has a ReLU input 2.1e-7 from zero on a 4×4 map; every gradient from denseblock3.denselayer6
    /// to the head is within 3.1e-4 of float64 (torch float32: 1.7e-4), and from denselayer5 back ours
    /// and torch's float32 runs route that element differently (ours up to 0.16 max-relative, 0.021 in
    /// norm; torch's up to 0.013 from denseblock2.denselayer12 back).
    static let floors: [Architecture: (Double, Double)] = [.densenet121: (0.2, 0.03)]

    static let models: [(Architecture, Int)] = [(.resnet18, 10), (.resnet34, 37), (.densenet121, 37), (.squeezenet1_1, 37)]

    @Test(
        .enabled(if: present("resnet18_cnn_grad.weights.safetensors")),
        arguments: [0, 1, 2, 3], [true, false])
    func wholeModelMatchesPyTorch(_ which: Int, frozen: Bool) throws {
        let (arch, classes) = Self.models[which]
        let name = "\(arch.rawValue)_cnn_grad"
        guard Self.present("\(name).weights.safetensors") else { return }
        let dir = Self.directory
        let state = try SafetensorsArchive.read(contentsOf: dir.appendingPathComponent("\(name).weights.safetensors")).tensors
        let io = try SafetensorsArchive.read(contentsOf: dir.appendingPathComponent("\(name).io.safetensors")).tensors
        let expected = try SafetensorsArchive.read(
            contentsOf: dir.appendingPathComponent("\(name).\(frozen ? "frozen" : "unfrozen").safetensors")
        ).tensors
        let build = try createCNN(data: try DataBunch(classCount: classes), arch: arch, pretrained: false)
        try build.model.loadStateDict(state)
        if frozen { try build.learner.freeze() } else { build.learner.unfreeze() }
        GradientStep.trainWithoutDropout(build.model)
        let x = try #require(io["input"])
        let targets = try #require(io["targets"]).storage.map { Int($0) }
        let (loss, output) = try GradientStep.run(model: build.model, input: x, targets: targets)
        #expect(output.maxRelativeDifference(from: try #require(expected["output"])) <= 1e-4)
        #expect(abs(loss - (try #require(expected["loss"])).storage[0]) <= 1e-4 * abs(loss))
        // The reference is torch in float64. A float32 run is not exact there, and how far it lands
        // depends on the gradient's conditioning (a random train-mode network at 64×64, batch 4 normalises
        // 16 values per channel in resnet34's layer4); the fixture records torch's own float32 distance
        // per parameter (`f32dev.<name>`: max-relative, norm-relative). Each gradient is held to 1e-3
        // max-relative and 5e-4 in norm, or 3× torch float32's distance where that is larger — the stem
        // conv like every other parameter (its old 3e-2 allowance came from a max-pool near-tie in the
        // earlier fixture's input, which the fixture script now avoids). Gradients that are zero
        // analytically (densenet's `norm5`, normalised away by the head's train-mode BatchNorm1d; float64
        // gives ~1e-17) must be below 1e-6 of the model's largest gradient.
        let largest = expected.filter { $0.key.hasPrefix("grad.") }.values.map { $0.storage.map(abs).max() ?? 0 }.max() ?? 1
        var count = 0
        for (key, p) in build.model.namedParameters() {
            let reference = expected["grad.\(key)"]
            #expect((p.grad != nil) == (reference != nil), "\(key): gradient present \(p.grad != nil), torch \(reference != nil)")
            guard let reference, let grad = p.grad else { continue }
            count += 1
            let torch32 = expected["f32dev.\(key)"]?.storage ?? [0, 0]
            let (maxRelative, normRelative) = (grad.maxRelativeDifference(from: reference), Self.normRelative(grad, reference))
            if ProcessInfo.processInfo.environment["LEARNERLENS_DEBUG_GRADIENTS"] != nil {
                print("GRAD \(arch.rawValue) \(frozen) \(key) \(maxRelative) \(normRelative) torch32 \(torch32)")
            }
            if (reference.storage.map(abs).max() ?? 0) < 1e-12 {
                #expect((grad.storage.map(abs).max() ?? 0) <= 1e-6 * largest, "grad.\(key) should be 0")
                continue
            }
            let (maxFloor, normFloor) = Self.floors[arch] ?? (1e-3, 5e-4)
            #expect(Double(maxRelative) <= max(maxFloor, 3 * Double(torch32[0])), "grad.\(key) max-relative (torch float32: \(torch32[0]))")
            #expect(normRelative <= max(normFloor, 3 * Double(torch32[1])), "grad.\(key) norm-relative (torch float32: \(torch32[1]))")
        }
        #expect(count == expected.keys.filter { $0.hasPrefix("grad.") }.count)
        for (key, b) in build.model.namedBuffers() where key.contains("running") {
            #expect(b.value.maxRelativeDifference(from: try #require(expected[key])) <= 1e-4, "\(key)")
        }
    }
}
