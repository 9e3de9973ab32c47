import ArgumentParser
import Fastai
import Foundation
import NN
import Rendering
import Tensors

/// `learnerlens forward`: run a model on a stored tensor, so anyone can compare with PyTorch.
struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a torchvision model (or a create_cnn model) in eval mode on a tensor from a safetensors file.",
        discussion: """
            Without --create-cnn, --weights is a torchvision state dict (e.g. resnet34's) and the \
            full model runs, classifier included. With --create-cnn, --weights is the state dict of \
            nn.Sequential(body, head) (keys 0.… and 1.…) as `learn.model.state_dict()` gives.
            """)

    @OptionGroup var model: ModelOptions

    @Flag(help: "Build create_cnn's nn.Sequential(body, head) instead of the torchvision classifier.")
    var createCnn = false

    @Option(help: "Safetensors file holding the input tensor.")
    var input: String

    @Option(help: "Where to write the output tensor (safetensors).")
    var output: String

    @Option(help: "Key of the input tensor.")
    var inputKey = "input"

    @Option(help: "Key of the output tensor.")
    var outputKey = "output"

    func validate() throws {
        if model.weights == nil { throw ValidationError("--weights is required: the state dict to run") }
    }

    func run() throws {
        try reportingErrors {
            // Every path first, before any model is built: a typo costs nothing.
            try FileChecks.readable(model.weights ?? "", option: "--weights")
            try FileChecks.readable(input, option: "--input")
            try FileChecks.writable(output, option: "--output")
            let arch = try model.architecture()
            let weightsURL = URL(fileURLWithPath: model.weights ?? "")
            let state = try PretrainedWeights.readStateDict(weightsURL, arch: nil)
            let x = try StoredTensor.read(input, key: inputKey)
            let net: Module
            if createCnn {
                net = try model.build(loadingPretrained: false).model
            } else {
                var g = RandomGenerator(seed: model.seed)
                let probe = arch.make(generator: &g)
                // The classifier's width comes from the weights (1000 for ImageNet, fewer after fine-tuning).
                let lastWeight = probe.stateDict().last { $0.name.hasSuffix(".weight") }
                let classes = lastWeight.flatMap { state.tensors[$0.name]?.shape.first } ?? 1000
                net = classes == 1000 ? probe : arch.make(numClasses: classes, generator: &g)
            }
            try net.loadStateDict(state.tensors, strict: true, source: weightsURL.lastPathComponent)
            net.eval()
            let y = try net(x)
            try SafetensorsArchive(tensors: [outputKey: y]).write(to: URL(fileURLWithPath: output))
            Console.note("\(Format.shape(x.shape)) → \(Format.shape(y.shape)) written to \(output)")
        }
    }
}
