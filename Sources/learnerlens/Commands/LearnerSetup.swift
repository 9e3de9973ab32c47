import ArgumentParser
import Fastai
import Foundation
import NN

/// The options `fit` and `lr-find` share: which create_cnn to build and which Fashion-MNIST
/// images to train and validate on. `make()` builds both, the one place the two commands do it.
struct LearnerSetup: ParsableArguments {
    @Option(help: "Architecture: \(Architecture.knownNames).")
    var arch: String = "resnet18"

    @Option(help: "Batch size.")
    var bs: Int = 64

    @Option(help: "Image side (28 = the images' own size).")
    var size: Int = 28

    @Option(help: "Use only the first N training images.")
    var trainSubset: Int?

    @Option(help: "Use only the first N test images for validation.")
    var validSubset: Int?

    @Flag(inversion: .prefixedNo, help: "Start from pretrained weights and freeze the body (fastai's default).")
    var pretrained = true

    @Option(help: "Pretrained weights (.safetensors or .pth). Default: `learnerlens weights` says where it looks.")
    var weights: String?

    @Option(help: "Seed for initialisation and shuffling.")
    var seed: UInt64 = 42

    @Option(help: "Folder holding Fashion-MNIST's four .gz files.")
    var dataDir: String = FashionMNIST.defaultDirectory

    func validate() throws {
        guard Architecture(rawValue: arch) != nil else { throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)") }
        if bs < 1 { throw ValidationError("--bs must be at least 1, got \(bs)") }
        for (name, n) in [("--train-subset", trainSubset), ("--valid-subset", validSubset)] {
            if let n, n < 1 { throw ValidationError("\(name) must be at least 1, got \(n)") }
        }
    }

    /// create_cnn on Fashion-MNIST's ten classes, and the train (shuffled, drop_last) and valid loaders.
    func make() throws -> (build: CNNBuild, fashion: FashionMNIST, data: TrainingData) {
        guard let archValue = Architecture(rawValue: arch) else {
            throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)")
        }
        let fashion = try FashionMNIST(directory: dataDir, trainSubset: trainSubset, validSubset: validSubset)
        let lookup = pretrained ? PretrainedWeights.locate(archValue, explicit: weights.map { URL(fileURLWithPath: $0) }) : nil
        if let lookup, lookup.file == nil {
            if let weights { throw CLIError("--weights \(weights): no such readable file") }
            Console.note(
                "no pretrained weights for \(arch) (looked in \(lookup.searched.joined(separator: ", "))): the body starts from random weights and is still frozen, as fastai's create_cnn(pretrained=True) does; use --no-pretrained to train it"
            )
        }
        let build = try createCNN(
            data: DataBunch(classes: FashionMNIST.classNames, source: "Fashion-MNIST"), arch: archValue, pretrained: pretrained,
            weights: lookup, seed: seed)
        let data = TrainingData(
            train: try ImageLoader(
                images: fashion.train, batchSize: bs, shuffle: true, dropLast: true, size: size, normalization: .imagenet, seed: seed),
            valid: try ImageLoader(
                images: fashion.valid, batchSize: bs, shuffle: false, dropLast: false, size: size, normalization: .imagenet))
        return (build, fashion, data)
    }
}
