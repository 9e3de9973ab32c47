import Foundation
import NN
import Tensors
import Testing

/// resnet18/34 with random weights and randomised batch-norm statistics against PyTorch's output.
/// Runs when the fixtures exist (`python scripts/make_fixtures.py --models`); they are too big to commit.
@Suite struct WholeModelTests {
    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["LEARNERLENS_MODEL_FIXTURES"] { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.fixtures").standardized
    }

    /// True when the fixture exists, or when CI requires it (`scripts/parity.sh` sets
    /// LEARNERLENS_REQUIRE_MODEL_FIXTURES=1): then a missing fixture fails instead of skipping.
    static func present(_ name: String) -> Bool {
        ProcessInfo.processInfo.environment["LEARNERLENS_REQUIRE_MODEL_FIXTURES"] == "1"
            || FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(name).weights.safetensors").path)
    }

    @Test(.enabled(if: present("resnet18") && present("resnet34")), arguments: [Architecture.resnet18, .resnet34])
    func torchvisionOutputMatches(arch: Architecture) throws {
        let weights = try SafetensorsArchive.read(contentsOf: Self.directory.appendingPathComponent("\(arch.rawValue).weights.safetensors"))
        let io = try SafetensorsArchive.read(contentsOf: Self.directory.appendingPathComponent("\(arch.rawValue).io.safetensors"))
        var g = RandomGenerator(seed: 0)
        let model = arch.make(generator: &g)
        try model.loadStateDict(weights.tensors)
        model.eval()
        let y = try model(try #require(io.tensors["input"]))
        let expected = try #require(io.tensors["output"])
        var worst: Float = 0
        for (a, b) in zip(y.storage, expected.storage) { worst = max(worst, abs(a - b)) }
        let relative = worst / expected.maxAbs
        print("\(arch.rawValue): max |ours − torch| / max |torch| = \(relative)")
        #expect(relative <= 1e-4)
    }
}
