import Foundation
import NN
import Tensors
import Testing

/// A resnet34 checkpoint written by `torch.save(model.state_dict())` loads into our resnet34 and
/// gives PyTorch's output. Opt-in: `LEARNERLENS_TORCH_CHECKPOINTS=DIR` where DIR was made by
/// `python scripts/make_fixtures.py --full-checkpoints DIR` (87 MB: never committed).
@Suite struct TorchCheckpointModelTests {
    static let directory = ProcessInfo.processInfo.environment["LEARNERLENS_TORCH_CHECKPOINTS"].map { URL(fileURLWithPath: $0) }

    static func checkpoint(_ arch: String) -> URL? {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
        return names.sorted().first { $0.hasPrefix("\(arch)-") && $0.hasSuffix(".pth") }.map { directory.appendingPathComponent($0) }
    }

    @Test(.enabled(if: checkpoint("resnet34") != nil))
    func resnet34CheckpointGivesPyTorchsOutput() throws {
        let file = try #require(Self.checkpoint("resnet34"))
        let weights = try TorchCheckpoint.read(contentsOf: file)
        let io = try SafetensorsArchive.read(contentsOf: file.deletingLastPathComponent().appendingPathComponent("resnet34.io.safetensors"))
        var g = RandomGenerator(seed: 0)
        let model = Architecture.resnet34.make(generator: &g)
        try model.loadStateDict(weights.tensors)
        model.eval()
        let y = try model(try #require(io.tensors["input"]))
        let expected = try #require(io.tensors["output"])
        #expect(y.shape == expected.shape)
        var worst: Float = 0
        for (a, b) in zip(y.storage, expected.storage) { worst = max(worst, abs(a - b)) }
        let relative = worst / expected.maxAbs
        print("resnet34 from \(file.lastPathComponent): max |ours − torch| / max |torch| = \(relative)")
        #expect(relative <= 1e-4)
    }
}

/// The first tensors of every torchvision architecture's `state_dict()`, saved by `torch.save`
/// (committed fixture), have the names and shapes of ours.
@Suite struct TorchCheckpointFirstLayersTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../TensorsTests/Fixtures/checkpoints/first_layers.pth")

    @Test(arguments: Architecture.allCases)
    func firstLayersMatchOurArchitecture(arch: Architecture) throws {
        let archive = try TorchCheckpoint.read(contentsOf: Self.file)
        let prefix = "\(arch.rawValue)/"
        let theirs = archive.names.filter { $0.hasPrefix(prefix) }
        #expect(theirs.count == 2)
        var g = RandomGenerator(seed: 0)
        let ours = Dictionary(uniqueKeysWithValues: arch.make(generator: &g).stateDict().map { ($0.name, $0.tensor.shape) })
        for name in theirs {
            let key = String(name.dropFirst(prefix.count))
            #expect(ours[key] == archive.tensors[name]?.shape, "\(arch.rawValue): \(key)")
        }
    }
}
