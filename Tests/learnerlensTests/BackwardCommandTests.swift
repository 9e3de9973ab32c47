import Fastai
import Foundation
import NN
import Tensors
import Testing

/// `learnerlens backward` end to end: a small create_cnn model's state dict, a batch and targets in,
/// the loss, logits and gradients out — the same numbers as the library's gradient step.
@Suite struct BackwardCommandTests {
    @Test(arguments: [true, false])
    func writesLossGradientsAndRunningStatistics(frozen: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-b-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let build = try createCNN(data: try DataBunch(classCount: 3), arch: .resnet18, pretrained: false, seed: 7)
        var g = RandomGenerator(seed: 3)
        let x = Tensor.normal([4, 3, 32, 32], generator: &g)
        let targets: [Float] = [0, 2, 1, 2]
        let (w, input, t, out) = (
            dir.appendingPathComponent("w.safetensors"), dir.appendingPathComponent("x.safetensors"),
            dir.appendingPathComponent("t.safetensors"), dir.appendingPathComponent("g.safetensors")
        )
        try build.model.stateArchive().write(to: w)
        try SafetensorsArchive(tensors: ["input": x]).write(to: input)
        try SafetensorsArchive(tensors: ["targets": Tensor(targets)], dtypes: ["targets": .i64]).write(to: t)
        var args = [
            "backward", "--arch", "resnet18", "--classes", "3", "--weights", w.path, "--input", input.path, "--targets", t.path,
            "--output", out.path,
        ]
        if frozen { args.append("--frozen") }
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let result = try SafetensorsArchive.read(contentsOf: out).tensors

        // The same step in-process.
        if frozen { try build.learner.freeze() } else { build.learner.unfreeze() }
        GradientStep.trainWithoutDropout(build.model)
        let (loss, logits) = try GradientStep.run(model: build.model, input: x, targets: targets.map { Int($0) })
        #expect(result["loss"]?.storage == [loss])
        #expect(result["output"] == logits)
        for (name, p) in build.model.namedParameters() {
            #expect(result["grad.\(name)"] == (p.requiresGrad ? p.grad : nil), "grad.\(name)")
        }
        // Frozen: the body's convs have no gradient, its batch norms do (train_bn).
        #expect((result["grad.0.0.weight"] == nil) == frozen)
        #expect(result["grad.0.1.weight"] != nil)
        #expect(result["0.1.running_mean"] == build.model.namedBuffers().first { $0.name == "0.1.running_mean" }?.buffer.value)
        #expect(result["0.1.num_batches_tracked"]?.storage == [1])
    }

    @Test func refusesTargetsThatAreNotClasses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-b-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let build = try createCNN(data: try DataBunch(classCount: 3), arch: .resnet18, pretrained: false)
        let (w, input, t) = (
            dir.appendingPathComponent("w.safetensors"), dir.appendingPathComponent("x.safetensors"), dir.appendingPathComponent("t.safetensors")
        )
        try build.model.stateArchive().write(to: w)
        try SafetensorsArchive(tensors: ["input": .zeros([2, 3, 32, 32])]).write(to: input)
        try SafetensorsArchive(tensors: ["targets": Tensor([0, 5])]).write(to: t)
        let r = try CLI.run([
            "backward", "--arch", "resnet18", "--classes", "3", "--weights", w.path, "--input", input.path, "--targets", t.path,
            "--output", dir.appendingPathComponent("g.safetensors").path,
        ])
        #expect(r.status != 0)
        #expect(r.stderr.contains("target 5.0 is not a class index in 0..<3"), "\(r.stderr)")
    }
}
