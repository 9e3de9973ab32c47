import Foundation
import NN
import Tensors
import Testing

@testable import Fastai

@Suite struct DebugStemTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/tmp/t16py/stem_ref.safetensors")))
    func debugStem() throws {
        let ref = try SafetensorsArchive.read(contentsOf: URL(fileURLWithPath: "/tmp/t16py/stem_ref.safetensors")).tensors
        let dir = GradientModelTests.directory
        let state = try SafetensorsArchive.read(contentsOf: dir.appendingPathComponent("resnet34_cnn_grad.weights.safetensors")).tensors
        let io = try SafetensorsArchive.read(contentsOf: dir.appendingPathComponent("resnet34_cnn_grad.io.safetensors")).tensors
        let build = try createCNN(data: try DataBunch(classCount: 37), arch: .resnet34, pretrained: false)
        try build.model.loadStateDict(state)
        build.learner.unfreeze()
        GradientStep.trainWithoutDropout(build.model)
        let body = build.model.children[0], head = build.model.children[1]
        let stem = body.children[0]
        let x = try #require(io["input"])
        let targets = try #require(io["targets"]).storage.map { Int($0) }
        // 1. kernel only: the stem conv's weight gradient from the float64 dy
        for p in build.model.parameters { p.zeroGrad() }
        let t1 = Tape()
        let y1 = try t1.run { try stem(x) }
        try t1.backward(from: y1, seed: ref["dy64"]!)
        let w = stem.parameters[0]
        print("DEBUG kernel only", w.grad!.maxRelativeDifference(from: ref["dw64"]!))
        // 2. our dy at the stem output
        for p in build.model.parameters { p.zeroGrad() }
        final class Box: @unchecked Sendable { var grad: Tensor? }
        let box = Box()
        let y0 = try stem(x)
        let t2 = Tape()
        let loss = try t2.run { () throws -> Tensor in
            var h = t2.leaf(y0) { box.grad = $0 }
            for m in body.children.dropFirst() { h = try m(h) }
            return try Tensor.crossEntropy(try head(h), targets: targets)
        }
        try t2.backward(from: loss)
        print("DEBUG dy", box.grad!.maxRelativeDifference(from: ref["dy64"]!))
        let st = try SafetensorsArchive.read(contentsOf: URL(fileURLWithPath: "/tmp/t16py/stages.safetensors")).tensors
        for k in 1...4 {
            var h0 = x
            for m in body.children.prefix(k) { h0 = try m(h0) }
            print("DEBUG out", k - 1, h0.maxRelativeDifference(from: st["out\(k - 1)"]!))
            let t = Tape()
            let l = try t.run { () throws -> Tensor in
                var h = t.leaf(h0) { box.grad = $0 }
                for m in body.children.dropFirst(k) { h = try m(h) }
                return try Tensor.crossEntropy(try head(h), targets: targets)
            }
            try t.backward(from: l)
            let g = box.grad!, r = st["grad\(k - 1)"]!
            print("DEBUG grad", k - 1, g.maxRelativeDifference(from: r))
            var worst = 0, wv: Float = 0
            for i in g.storage.indices where abs(g.storage[i] - r.storage[i]) > wv { wv = abs(g.storage[i] - r.storage[i]); worst = i }
            print("DEBUG   worst at", worst, "ours", g.storage[worst], "ref", r.storage[worst], "out", h0.storage[worst])
        }
    }
}
