import ArgumentParser
import Fastai
import Foundation
import Tensors

/// `learnerlens predict`: fastai v1's `learn.predict(img)` with a learner saved by `fit --save`.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify images with a learner saved by `learnerlens fit --save`, as fastai v1's learn.predict does.",
        discussion: """
            The model is rebuilt from the file's metadata (arch, classes, input channels) and its weights \
            loaded; each image gets the valid-set transforms of the saved size (shorter side resized, centre \
            crop) and the saved normalisation, then the model runs in eval mode. Prints, per image, what \
            learn.predict returns: the category, its index and the softmax probabilities.
            """)

    @Option(help: "A learner file written by `learnerlens fit --save`.")
    var model: String

    @Argument(help: "Image files (JPEG or PNG).")
    var images: [String] = []

    @Option(name: .customLong("fashion-mnist-test"), parsing: .upToNextOption, help: "Indices into Fashion-MNIST's 10k test images.")
    var fashionMNISTTest: [Int] = []

    @Option(help: "Folder holding Fashion-MNIST's four .gz files (with --fashion-mnist-test).")
    var dataDir: String = FashionMNIST.defaultDirectory

    @Option(help: "Output: text or json.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        if images.isEmpty && fashionMNISTTest.isEmpty {
            throw ValidationError("give image files or --fashion-mnist-test indices")
        }
        if let bad = fashionMNISTTest.first(where: { $0 < 0 }) {
            throw ValidationError("--fashion-mnist-test indices start at 0, got \(bad)")
        }
    }

    struct Item: Encodable {
        var source: String
        var label: String?
        var category: String
        var index: Int
        var probs: [Float]
    }

    struct Report: Encodable {
        var model: String
        var arch: String
        var size: Int
        var classes: [String]
        var predictions: [Item]
    }

    func run() throws {
        try reportingErrors {
            try FileChecks.readable(model, option: "--model")
            for path in images { try FileChecks.readable(path, option: "image") }
            let saved = try SavedLearner(contentsOf: URL(fileURLWithPath: model))
            var inputs: [(source: String, label: String?, x: Tensor)] = []
            for path in images { inputs.append((path, nil, try saved.input(imageAt: path))) }
            if let last = fashionMNISTTest.max() {
                let test = try FashionMNIST(directory: dataDir, trainSubset: 1, validSubset: nil).valid
                guard last < test.count else {
                    throw CLIError("--fashion-mnist-test \(last): the test set has \(test.count) images (0…\(test.count - 1))")
                }
                for i in fashionMNISTTest {
                    let label = FashionMNIST.classNames.indices.contains(test.labels[i]) ? FashionMNIST.classNames[test.labels[i]] : nil
                    inputs.append(("fashion-mnist test \(i)", label, try saved.input(test, index: i)))
                }
            }
            var items: [Item] = []
            for input in inputs {
                let (category, index, p) = try saved.predict(input.x)
                items.append(Item(source: input.source, label: input.label, category: category, index: index, probs: p))
            }
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let report = Report(model: model, arch: saved.info.arch, size: saved.info.size, classes: saved.info.classes, predictions: items)
                Output.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
            case .text:
                var out = ""
                for item in items {
                    out += "\(item.source)\(item.label.map { " (label: \($0))" } ?? ""): Category \(item.category), tensor(\(item.index))\n"
                    out += "  tensor([\(item.probs.map { String(format: "%.4e", $0) }.joined(separator: ", "))])\n"
                }
                Output.write(out)
            }
        }
    }
}
