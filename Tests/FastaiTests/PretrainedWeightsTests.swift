import Fastai
import Foundation
import NN
import Tensors
import Testing

/// Finding weights where torchvision keeps them, checking their hashes, and importing them.
@Suite struct PretrainedWeightsTests {
    func sandbox() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-pw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("torch/hub/checkpoints"), withIntermediateDirectories: true)
        return dir
    }

    @Test func namedHashFollowsTorchvisionsRegex() {
        #expect(HashCheck.namedHash("resnet34-b627a593.pth") == "b627a593")
        #expect(HashCheck.namedHash("alexnet-owt-7be5be79.pth") == "7be5be79")
        #expect(HashCheck.namedHash("resnet34.safetensors") == nil)
        #expect(HashCheck.namedHash("my-Weights.pth") == nil)
    }

    @Test func architectureFromTheFileName() {
        #expect(WeightsImport.guessArchitecture("resnet152-394f9c45.pth") == .resnet152)
        #expect(WeightsImport.guessArchitecture("resnet18-f37072fd.pth") == .resnet18)
        #expect(WeightsImport.guessArchitecture("vgg16_bn-6c64b313.pth") == .vgg16_bn)
        #expect(WeightsImport.guessArchitecture("squeezenet1_1.safetensors") == .squeezenet1_1)
        #expect(WeightsImport.guessArchitecture("model.pth") == nil)
    }

    @Test func torchHubFoldersInTorchsOrderWithoutRepeats() {
        let dirs = TorchHubCache.directories(environment: ["TORCH_HOME": "/t", "XDG_CACHE_HOME": "/x", "HOME": "/h"])
        #expect(dirs.map(\.path) == ["/t/hub/checkpoints", "/x/torch/hub/checkpoints", "/h/.cache/torch/hub/checkpoints"])
        #expect(TorchHubCache.directories(environment: ["XDG_CACHE_HOME": "/h/.cache", "HOME": "/h"]).count == 1)
    }

    @Test func hashIsCheckedAndTheCacheComesFirst() throws {
        let dir = try sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["XDG_CACHE_HOME": dir.path, "HOME": dir.path]
        let file = dir.appendingPathComponent("x.bin")
        try Data("hello".utf8).write(to: file)
        // sha256("hello") = 2cf24dba…
        #expect(try FileDigest.sha256(of: file) == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        let hub = dir.appendingPathComponent("torch/hub/checkpoints")
        try Data("hello".utf8).write(to: hub.appendingPathComponent("resnet18-2cf24dba.pth"))
        try Data("hello".utf8).write(to: hub.appendingPathComponent("resnet18-5c106cde.pth"))
        let found = PretrainedWeights.locate(.resnet18, environment: env)
        #expect(found.file?.lastPathComponent == "resnet18-2cf24dba.pth")
        #expect(
            found.candidates.map(\.hash) == [
                .mismatch(expected: "5c106cde", actual: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), .verified("2cf24dba"),
            ])
        #expect(found.summary.hasPrefix("resnet18-2cf24dba.pth (SHA-256 2cf24dba… verified"))
        // Our own cache wins over torchvision's.
        let cache = PretrainedWeights.userDirectory(environment: env)
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: cache.appendingPathComponent("resnet18.safetensors"))
        #expect(PretrainedWeights.locate(.resnet18, environment: env).chosen?.origin == .cache)
        #expect(PretrainedWeights.locate(.resnet34, environment: env).summary == "random initialisation (no weights found — see learnerlens weights)")
    }

    @Test func importsSafetensorsAndRenamesOldDenseNetKeys() throws {
        let dir = try sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        var g = RandomGenerator(seed: 3)
        let model = Architecture.squeezenet1_1.make(generator: &g)
        let source = dir.appendingPathComponent("squeezenet1_1.safetensors")
        try model.stateArchive().write(to: source)
        let result = try WeightsImport.run(source, arch: nil, environment: ["XDG_CACHE_HOME": dir.path])
        #expect(result.arch == .squeezenet1_1)
        let back = try SafetensorsArchive.read(contentsOf: result.destination)
        #expect(back.tensors == model.stateArchive().tensors)
        #expect(back.metadata["source"] == "squeezenet1_1.safetensors")

        var old = SafetensorsArchive()
        old.tensors["features.denseblock1.denselayer1.norm.1.weight"] = Tensor([1])
        old.tensors["features.norm0.weight"] = Tensor([2])
        let oldFile = dir.appendingPathComponent("old.safetensors")
        try old.write(to: oldFile)
        let renamed = try PretrainedWeights.readStateDict(oldFile, arch: .densenet121)
        #expect(renamed.names == ["features.denseblock1.denselayer1.norm1.weight", "features.norm0.weight"])
    }
}
