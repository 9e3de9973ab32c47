import ArgumentParser
import Fastai
import Foundation
import NN

/// The options `fit` and `lr-find` share: which create_cnn to build and what to train it on — a folder of
/// images labelled and split as `learnerlens data` does (PATH with --pat, --folder or --csv), or Debian's
/// Fashion-MNIST without a PATH. `make()` builds both, the one place the commands do it.
struct LearnerSetup: ParsableArguments {
    @Argument(help: "A folder of JPEG/PNG images (with --pat, --folder or --csv). Without it: Fashion-MNIST.")
    var path: String?

    @OptionGroup var images: ImageDataOptions

    @Option(help: "Architecture: \(Architecture.knownNames).")
    var arch: String = "resnet18"

    @Option(help: "Batch size.")
    var bs: Int = 64

    @Option(name: .customLong("size"), help: "Image side (default: 224 for a folder, 28 — the images' own size — for Fashion-MNIST).")
    var sizeOption: Int?

    @Option(help: "Fashion-MNIST: use only the first N training images.")
    var trainSubset: Int?

    @Option(help: "Fashion-MNIST: use only the first N test images for validation.")
    var validSubset: Int?

    @Flag(inversion: .prefixedNo, help: "Start from pretrained weights and freeze the body (fastai's default).")
    var pretrained = true

    @Option(help: "Pretrained weights (.safetensors or .pth). Default: `learnerlens weights` says where it looks.")
    var weights: String?

    @Option(help: "Seed for initialisation, shuffling and augmentation, and numpy's seed of a folder's split.")
    var seed: UInt64 = 42

    @Option(help: "Folder: threads decoding and augmenting the next batches while one trains (0: decode in line).")
    var workers: Int = 1

    @Option(help: "Folder holding Fashion-MNIST's four .gz files.")
    var dataDir: String = FashionMNIST.defaultDirectory

    /// The image side used.
    var size: Int { sizeOption ?? (path == nil ? 28 : 224) }

    func validate() throws {
        guard Architecture(rawValue: arch) != nil else { throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)") }
        if bs < 1 { throw ValidationError("--bs must be at least 1, got \(bs)") }
        if size < 2 { throw ValidationError("--size must be at least 2, got \(size)") }
        if workers < 0 { throw ValidationError("--workers must be 0 or more, got \(workers)") }
        for (name, n) in [("--train-subset", trainSubset), ("--valid-subset", validSubset)] {
            if let n, n < 1 { throw ValidationError("\(name) must be at least 1, got \(n)") }
        }
        if path == nil {
            try images.requireNone()
        } else {
            guard images.sourceCount == 1 else { throw ValidationError("with a folder, give exactly one of --pat REGEX, --folder or --csv FILE") }
            if trainSubset != nil || validSubset != nil { throw ValidationError("--train-subset and --valid-subset are for Fashion-MNIST") }
            if seed > UInt64(UInt32.max) { throw ValidationError("--seed must fit numpy's seed (0…\(UInt32.max)) with a folder, got \(seed)") }
        }
    }

    /// create_cnn for the data's classes, and the train (shuffled, drop_last, with get_transforms() for a
    /// folder) and valid (resize and centre crop) loaders, normalised with imagenet_stats.
    func make() throws -> (build: CNNBuild, counts: (train: Int, valid: Int), data: TrainingData) {
        guard let archValue = Architecture(rawValue: arch) else {
            throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)")
        }
        let classes: [String], source: String, data: TrainingData, counts: (train: Int, valid: Int)
        if let path {
            let (split, skipped) = try images.split(path, seed: UInt32(truncatingIfNeeded: seed))
            ImageDataOptions.noteLeftOut(split, skipped)
            for item in split.train.prefix(5) + split.valid.prefix(5) { try ImageDataOptions.checkDecodes(item.path) }
            guard split.train.count >= bs else {
                throw CLIError(
                    "\(path): \(split.train.count) training images, fewer than one batch of --bs \(bs) (fastai drops the incomplete last batch)")
            }
            let bunch = try ImageDataBunch(
                split: split, size: size, batchSize: bs, normalization: .imagenet, seed: seed, transforms: true, workers: workers)
            (classes, source, counts) = (split.classes, path, (split.train.count, split.valid.count))
            data = TrainingData(train: bunch.train, valid: bunch.valid)
        } else {
            let fashion = try FashionMNIST(directory: dataDir, trainSubset: trainSubset, validSubset: validSubset)
            (classes, source, counts) = (FashionMNIST.classNames, "Fashion-MNIST", (fashion.train.count, fashion.valid.count))
            data = TrainingData(
                train: try ImageLoader(
                    images: fashion.train, batchSize: bs, shuffle: true, dropLast: true, size: size, normalization: .imagenet, seed: seed),
                valid: try ImageLoader(
                    images: fashion.valid, batchSize: bs, shuffle: false, dropLast: false, size: size, normalization: .imagenet))
        }
        let lookup = pretrained ? PretrainedWeights.locate(archValue, explicit: weights.map { URL(fileURLWithPath: $0) }) : nil
        if let lookup, lookup.file == nil {
            if let weights { throw CLIError("--weights \(weights): no such readable file") }
            Console.note(
                "no pretrained weights for \(arch) (looked in \(lookup.searched.joined(separator: ", "))): the body starts from random weights and is still frozen, as fastai's create_cnn(pretrained=True) does; use --no-pretrained to train it"
            )
        }
        let build = try createCNN(
            data: DataBunch(classes: classes, source: source), arch: archValue, pretrained: pretrained, weights: lookup, seed: seed)
        return (build, counts, data)
    }
}
