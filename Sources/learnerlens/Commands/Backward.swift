import ArgumentParser
import Fastai
import Foundation
import NN
import Rendering
import Tensors

/// `learnerlens backward`: one training step's gradients for a stored batch, so anyone can
/// compare with PyTorch (the counterpart of `forward`).
struct Backward: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run create_cnn's model in train mode (dropout off) on a batch, then mean cross-entropy and backward.",
        discussion: """
            --weights is the state dict of nn.Sequential(body, head) (keys 0.… and 1.…, as \
            `learn.model.state_dict()` gives). Writes `loss`, `output` (the logits), `grad.<name>` for \
            every trainable parameter's gradient (frozen ones are absent) and the batch norms' updated \
            running statistics under their state-dict names.
            """)

    @OptionGroup var model: ModelOptions

    @Flag(help: "Freeze the body as fastai's learn.freeze() does (batch norms still train).")
    var frozen = false

    @Option(help: "Safetensors file holding the input batch [N, 3, H, W].")
    var input: String

    @Option(help: "Safetensors file holding the targets (class indices, int64 or float).")
    var targets: String

    @Option(help: "Where to write the loss, logits, gradients and running statistics (safetensors).")
    var output: String

    @Option(help: "Key of the input tensor.")
    var inputKey = "input"

    @Option(help: "Key of the targets tensor.")
    var targetsKey = "targets"

    func validate() throws {
        if model.weights == nil { throw ValidationError("--weights is required: the state dict to run") }
    }

    func run() throws {
        try reportingErrors {
            try FileChecks.readable(model.weights ?? "", option: "--weights")
            try FileChecks.readable(input, option: "--input")
            try FileChecks.readable(targets, option: "--targets")
            try FileChecks.writable(output, option: "--output")
            let weightsURL = URL(fileURLWithPath: model.weights ?? "")
            let state = try PretrainedWeights.readStateDict(weightsURL, arch: nil)
            let x = try StoredTensor.read(input, key: inputKey)
            let t = try StoredTensor.read(targets, key: targetsKey)
            guard t.rank == 1, t.count == x.shape.first else {
                throw CLIError(
                    "\(targets): '\(targetsKey)' must be one class index per image: shape [\(x.shape.first ?? 0)], got \(Format.shape(t.shape))")
            }
            let labels = try t.storage.map { v -> Int in
                guard let i = Int(exactly: v), i >= 0, i < model.classes else {
                    throw CLIError("\(targets): target \(v) is not a class index in 0..<\(model.classes) (--classes \(model.classes))")
                }
                return i
            }
            let build = try model.build(loadingPretrained: false)
            let net = build.model
            try net.loadStateDict(state.tensors, strict: true, source: weightsURL.lastPathComponent)
            if frozen { try build.learner.freeze() } else { build.learner.unfreeze() }
            GradientStep.trainWithoutDropout(net)
            let (loss, logits) = try GradientStep.run(model: net, input: x, targets: labels)
            var out: [String: Tensor] = ["loss": Tensor(shape: [], storage: [loss]), "output": logits]
            var dtypes: [String: SafetensorsDType] = [:]
            for (name, p) in net.namedParameters() where p.requiresGrad {
                if let g = p.grad { out["grad.\(name)"] = g }
            }
            for (name, b) in net.namedBuffers() {
                out[name] = b.value
                dtypes[name] = b.dtype
            }
            try SafetensorsArchive(tensors: out, dtypes: dtypes).write(to: URL(fileURLWithPath: output))
            let count = out.keys.filter { $0.hasPrefix("grad.") }.count
            Console.note("loss \(loss); \(count) gradients written to \(output)")
        }
    }
}
