import ArgumentParser
import Fastai
import Foundation
import Rendering
import Tensors

/// `learnerlens summary`: `learn.summary()` for what `create_cnn` returns.
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build create_cnn's model and show every layer: shapes, parameters, trainable, layer group.")

    @OptionGroup var model: ModelOptions

    @Option(help: "Side of the square input images.")
    var imageSize: Int = 224

    @Option(help: "Images in the batch run through the model.")
    var batchSize: Int = 1

    @Flag(help: "Show every layer down to the leaves (default: two levels).")
    var expand = false

    @Option(help: "Output format: text, markdown, csv or json.")
    var format: SummaryFormat = .text

    func validate() throws {
        if imageSize < 1 { throw ValidationError("--image-size must be positive, got \(imageSize)") }
        if batchSize < 1 { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    }

    func run() throws {
        try reportingErrors {
            let build = try model.build()
            var g = RandomGenerator(seed: model.seed)
            let batch = Tensor.uniform([batchSize, model.inChannels, imageSize, imageSize], low: -1, high: 1, generator: &g)
            let summary: ModelSummary
            do {
                summary = try ModelSummary(learner: build.learner, batch: batch)
            } catch {
                throw CLIError(
                    "an image of \(imageSize)×\(imageSize) pixels is too small for \(build.arch.rawValue): \(error)")
            }
            let facts = CNNFacts(build, outputShape: summary.outputShape)
            print(SummaryFormatter(summary: summary, facts: facts, maxDepth: expand ? nil : 1).render(format), terminator: "")
        }
    }
}

extension SummaryFormat: ExpressibleByArgument {}
