import Fastai
import Foundation
import NN
import Tensors
import Testing

/// fastai v1's nn.Sequential(body, head) for resnet34/37 with random weights against PyTorch's output.
/// Runs when `python scripts/make_fixtures.py --models` has made the (uncommitted) fixtures.
@Suite struct CNNModelTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.fixtures").standardized
    /// True when the fixture exists, or when CI requires it (then a missing fixture fails).
    static var present: Bool {
        ProcessInfo.processInfo.environment["LEARNERLENS_REQUIRE_MODEL_FIXTURES"] == "1"
            || FileManager.default.fileExists(atPath: dir.appendingPathComponent("resnet34_cnn.weights.safetensors").path)
    }

    @Test(.enabled(if: present)) func createCNNOutputMatchesPyTorch() throws {
        let weights = try SafetensorsArchive.read(contentsOf: Self.dir.appendingPathComponent("resnet34_cnn.weights.safetensors"))
        let io = try SafetensorsArchive.read(contentsOf: Self.dir.appendingPathComponent("resnet34_cnn.io.safetensors"))
        let build = try createCNN(data: .pets, arch: .resnet34, pretrained: false, weights: PretrainedWeights(searched: [], file: nil))
        try build.model.loadStateDict(weights.tensors)
        build.model.eval()
        let y = try build.model(try #require(io.tensors["input"]))
        let expected = try #require(io.tensors["output"])
        var worst: Float = 0
        for (a, b) in zip(y.storage, expected.storage) { worst = max(worst, abs(a - b)) }
        print("resnet34 create_cnn: max |ours − torch| / max |torch| = \(worst / expected.maxAbs)")
        #expect(worst / expected.maxAbs <= 1e-4)
    }
}
