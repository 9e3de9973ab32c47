import Foundation
import NN
import Tensors
import Testing

@testable import Fastai

/// `learn.save(with_opt=True)` / `learn.load`: one safetensors file with the state dict, Adam's state
/// and predict's metadata; continuing from it is bit-identical to never stopping; every mismatch is named.
@Suite struct SaveLoadTests {
    static func make(seed: UInt64, pretrained: Bool = false, arch: Architecture = .resnet18) throws -> CNNBuild {
        // No dropout (so the head is 1.0 pool, 1.1 flatten, 1.2 bn, 1.3 linear, 1.4 relu, 1.5 bn, 1.6 linear):
        // dropout's generator is not part of the saved state (nor of fastai's).
        try createCNN(data: try DataBunch(classCount: 2), arch: arch, pretrained: pretrained, ps: .single(0), seed: seed)
    }

    static let info = SavedModelInfo(arch: "resnet18", classes: ["0", "1"], size: 8, normalization: .imagenet, ps: 0)

    static func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ll-save-\(UUID().uuidString).safetensors")
    }

    @Test func fitTwoEpochsEqualsFitSaveLoadFit() throws {
        let straight = try Self.make(seed: 5)
        var dataA = try LearnerTrainingTests.toyData(batchSize: 16)
        _ = try straight.learner.fit(epochs: 2, lr: .value(1e-3), data: &dataA)

        let first = try Self.make(seed: 5)
        var dataB = try LearnerTrainingTests.toyData(batchSize: 16)
        _ = try first.learner.fit(epochs: 1, lr: .value(1e-3), data: &dataB)
        let url = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try first.learner.save(to: url, info: Self.info)

        let resumed = try Self.make(seed: 77)  // other initial weights: everything must come from the file
        #expect(try resumed.learner.load(from: url, arch: "resnet18") == Self.info)
        #expect(resumed.learner.optimizer?.adam.states == first.learner.optimizer?.adam.states)
        _ = try resumed.learner.fit(epochs: 1, lr: .value(1e-3), data: &dataB)

        let want = straight.model.stateDict(), got = resumed.model.stateDict()
        #expect(want.map(\.name) == got.map(\.name))
        for (w, g) in zip(want, got) { #expect(w.tensor.storage == g.tensor.storage, "\(w.name) differs") }
        #expect(resumed.learner.optimizer?.adam == straight.learner.optimizer?.adam)
    }

    @Test func theFileHoldsTheStateDictTheOptimizerAndTheMetadata() throws {
        let build = try Self.make(seed: 5)
        var data = try LearnerTrainingTests.toyData(batchSize: 16)
        _ = try build.learner.fit(epochs: 1, lr: .value(1e-3), data: &data)
        let archive = try SafetensorsArchive.decode(build.learner.savedArchive(info: Self.info).encoded())
        #expect(archive.tensors["0.0.weight"]?.shape == [64, 3, 7, 7])
        #expect(archive.dtypes["0.1.num_batches_tracked"] == .i64)
        #expect(archive.tensors["opt.0.0.weight.exp_avg"]?.shape == [64, 3, 7, 7])
        #expect(archive.tensors["opt.1.6.bias.step"]?.storage == [2])
        #expect(archive.dtypes["opt.1.6.bias.step"] == .i64)
        #expect(archive.metadata["arch"] == "resnet18")
        #expect(archive.metadata["classes"] == #"["0","1"]"#)
        #expect(archive.metadata["mean"] == "[0.485,0.456,0.406]")
        #expect(archive.metadata["size"] == "8" && archive.metadata["channels"] == "3" && archive.metadata["ps"] == "0.0")
        #expect(archive.metadata["optimizer"]?.contains(#""true_wd":true"#) == true)
        #expect(try SavedModelInfo(metadata: archive.metadata, source: "x") == Self.info)
        // Without an optimizer (a fresh, never-fitted unfrozen learner) only the model is written.
        let bare = try Self.make(seed: 1).learner.savedArchive(info: Self.info)
        #expect(!bare.tensors.keys.contains { $0.hasPrefix("opt.") } && bare.metadata["optimizer"] == nil)
    }

    /// Every way a file can fail to fit is refused by name, and nothing changes.
    @Test func loadingRefusesWhatDoesNotFit() throws {
        let build = try Self.make(seed: 5)
        var data = try LearnerTrainingTests.toyData(batchSize: 16)
        _ = try build.learner.fit(epochs: 1, lr: .value(1e-3), data: &data)
        let good = build.learner.savedArchive(info: Self.info)
        let target = try Self.make(seed: 9)
        let before = target.model.stateDict().map(\.tensor)
        func refuses(_ archive: SafetensorsArchive, arch: String = "resnet18", _ message: String, learner: Learner? = nil) {
            #expect {
                try (learner ?? target.learner).load(archive, source: "m.safetensors", arch: arch)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
        refuses(good, arch: "resnet34", "m.safetensors holds a resnet18 learner, but this learner is resnet34")
        var a = good
        a.tensors["0.0.weight"] = nil
        refuses(a, #"Missing key(s): "0.0.weight""#)
        a = good
        a.tensors["0.99.weight"] = Tensor([1])
        refuses(a, #"Unexpected key(s): "0.99.weight""#)
        a = good
        a.tensors["1.6.bias"] = Tensor([1, 2, 3])
        refuses(a, "size mismatch for 1.6.bias")
        a = good
        a.tensors["opt.1.6.bias.exp_avg"] = Tensor([1, 2, 3])
        refuses(a, "size mismatch for opt.1.6.bias.exp_avg")
        a = good
        a.tensors["opt.1.6.bias.step"] = nil
        refuses(a, #"missing optimizer key(s): "opt.1.6.bias.step""#)
        a = good
        a.tensors["opt.nothing.exp_avg"] = Tensor([1])
        refuses(a, #"unexpected optimizer key(s): "opt.nothing.exp_avg""#)
        a = good
        a.metadata["format"] = nil
        refuses(a, "not a LearnerLens learner file")
        a = good
        a.metadata["classes"] = #"["cat","dog"]"#
        refuses(a, "was trained on 2 classes (cat, dog…), this learner has 2 (0, 1…)")
        // Saved unfrozen, loaded into a frozen learner: the param groups differ (fastai silently ignores this, G22).
        let frozen = try Self.make(seed: 9, pretrained: true)
        refuses(good, "the saved optimizer does not fit this learner's: the file trains", learner: frozen.learner)
        #expect(target.model.stateDict().map(\.tensor) == before, "a refused load must change nothing")
        // Without the optimizer, the frozen learner takes the weights.
        try frozen.learner.load(good, source: "m", arch: "resnet18", withOpt: false)
        #expect(frozen.model.stateDict().map(\.tensor) == build.model.stateDict().map(\.tensor))
    }

    @Test func aSavedLearnerPredictsLikeTheOriginal() throws {
        let build = try Self.make(seed: 5)
        var data = try LearnerTrainingTests.toyData(batchSize: 16)
        _ = try build.learner.fit(epochs: 1, lr: .value(1e-3), data: &data)
        let url = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try build.learner.save(to: url, info: Self.info)
        let saved = try SavedLearner(contentsOf: url)
        let valid = try #require(data.valid as? ImageLoader)
        let x = try saved.input(valid.images, index: 3)
        #expect(x == (try valid.batch([3]).images))
        let (category, index, p) = try saved.predict(x)
        let original = try build.learner.predict(x)
        #expect(index == original.classIndex && p == original.probabilities)
        #expect(category == ["0", "1"][index])
        #expect(throws: TrainingError.self) { try saved.input(valid.images, index: 12) }
    }

    /// A validation loss that is not finite stops the run, naming the epoch.
    @Test func aNaNValidationLossStops() throws {
        let build = try Self.make(seed: 5)
        let stats = try #require(build.model.namedBuffers().first { $0.name == "1.2.running_mean" }?.buffer)
        stats.value = Tensor(shape: stats.value.shape, storage: [Float](repeating: .nan, count: stats.value.count))
        var data = try LearnerTrainingTests.toyData(batchSize: 16)
        #expect {
            _ = try build.learner.fit(epochs: 1, lr: .value(1e-3), data: &data)
        } throws: { error in
            "\(error)".contains("the validation loss became NaN at epoch 0")
        }
    }
}
