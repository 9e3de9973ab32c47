import Fastai
import Foundation
import NN
import Tensors
import Testing

@Suite struct PipelineTests {
    let noWeights = PretrainedWeights(searched: [], file: nil)

    func resnet34() throws -> CNNBuild {
        try createCNN(data: .pets, arch: .resnet34, weights: noWeights)
    }

    /// fastai's `num_features_model` leaves the body in eval mode — a side effect that stays: a
    /// summary or a forward pass afterwards puts each module's own mode back, not the root's.
    @Test func theBodyStaysInEvalModeAfterASummary() throws {
        let build = try createCNN(data: try DataBunch(classCount: 3), arch: .resnet18, pretrained: false, weights: noWeights)
        func modes() -> (body: [Bool], head: [Bool]) { (build.body.modules.map(\.training), build.head.modules.map(\.training)) }
        #expect(modes().body.allSatisfy { !$0 })
        #expect(modes().head.allSatisfy { $0 })
        #expect(build.model.training)
        var g = RandomGenerator(seed: 2)
        _ = try ModelSummary(learner: build.learner, batch: Tensor.normal([1, 3, 32, 32], generator: &g))
        #expect(modes().body.allSatisfy { !$0 })
        #expect(modes().head.allSatisfy { $0 })
        _ = try build.model.inEvalMode { try build.model(Tensor.normal([2, 3, 32, 32], generator: &g)) }
        #expect(modes().body.allSatisfy { !$0 })
        #expect(modes().head.allSatisfy { $0 })
    }

    @Test func referenceNumbersForResnet34() throws {
        let b = try resnet34()
        #expect(b.nf == 1024)
        #expect(b.model.parameterCount() == 21_831_525)
        #expect(b.model.parameterCount(trainableOnly: true) == 563_877)
        #expect(b.probe.childShapes.last == [1, 512, 2, 2])
        #expect(b.body.training == false)  // num_features_model leaves the body in eval mode
    }

    @Test func freezeKeepsBatchNormTrainableLeafByLeaf() throws {
        let b = try resnet34()
        let groups = b.learner.layerGroups
        for leaf in groups[0] + groups[1] {
            for p in leaf.parameters { #expect(p.requiresGrad == (leaf is BatchNorm), "\(leaf.typeName)") }
        }
        for leaf in groups[2] { for p in leaf.parameters { #expect(p.requiresGrad) } }
        b.learner.trainBN = false
        try b.learner.freeze()
        #expect(b.model.parameterCount(trainableOnly: true) == 546_853)
    }

    @Test func applyInitGivesKaimingStdAndZeroBias() throws {
        let b = try resnet34()
        #expect(b.initialized.map(\.name) == ["4", "8"])
        for layer in b.initialized {
            #expect(abs(layer.measuredStd - layer.expectedStd) / layer.expectedStd < 0.03)
        }
        #expect(abs(b.initialized[0].expectedStd - 0.0442) < 1e-4)
        #expect(abs(b.initialized[1].expectedStd - 0.0625) < 1e-4)
        for m in b.head.modules {
            if let l = m as? Linear { #expect(l.bias!.value.storage.allSatisfy { $0 == 0 }) }
            if let bn = m as? BatchNorm {
                #expect(bn.weight.value.storage.allSatisfy { $0 == 1 })
                #expect(bn.bias.value.storage.allSatisfy { $0 == 0 })
            }
        }
    }

    @Test func concatPoolPutsMaxFirst() throws {
        let pool = AdaptiveConcatPool2d()
        let x = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 6])
        #expect(try pool(x).storage == [6, 3])
        #expect(pool.leaves.map(\.typeName) == ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d"])
    }

    @Test func headPlanRules() throws {
        #expect(try HeadPlan(nf: 1024, nc: 37, linFtrs: nil, ps: .single(0.5)).ps == [0.25, 0.5])
        #expect(try HeadPlan(nf: 1024, nc: 37, linFtrs: [512, 256], ps: .single(0.6)).ps == [0.3, 0.3, 0.6])
        let short = try HeadPlan(nf: 1024, nc: 37, linFtrs: [512, 256], ps: .list([0.2, 0.4]))
        #expect(short.blocks == 2 && short.truncatedBlocks == 1)
        #expect(throws: FastaiError.self) { try HeadPlan(nf: 1024, nc: 37, linFtrs: [0], ps: .single(0.5)) }
        #expect(throws: FastaiError.self) { try HeadPlan(nf: 1024, nc: 37, linFtrs: nil, ps: .single(1)) }
        #expect(throws: FastaiError.self) { try HeadPlan(nf: 1024, nc: 0, linFtrs: nil, ps: .single(0.5)) }
    }

    @Test func sharedReluIsOneLeaf() throws {
        var g = RandomGenerator(seed: 0)
        let head = try createHead(nf: 1024, nc: 37, linFtrs: [512, 256], ps: .single(0.5), generator: &g)
        #expect(head.count == 13)
        #expect(head.children.count == 12)
    }

    @Test func cutSemantics() throws {
        var g = RandomGenerator(seed: 0)
        let model = Architecture.resnet18.make(generator: &g)
        #expect(try createBody(model, cut: .index(-2)).count == 8)
        #expect(try createBody(model, cut: .index(5)).count == 5)
        #expect(try createBody(model, cut: .index(99)).count == 10)
        #expect(try createBody(model, cut: .lastPool).count == 8)  // avgpool is the last pooling child
        #expect(throws: FastaiError.self) { try createBody(model, cut: .index(-10)) }
        #expect(throws: FastaiError.self) { try createBody(model, cut: .index(0)) }
    }

    @Test func regressionIsRefusedWithFastaisMessage() {
        #expect(throws: FastaiError("Regression CNN not implemented yet, bug us on the forums if you want this!")) {
            try createCNN(data: .pets, arch: .resnet18, classification: false, weights: noWeights)
        }
    }

    @Test func numFeaturesRetriesAtLargerSizes() throws {
        // alexnet's features need more than 64×64? No: a body that ends in an 11×11 conv of stride 4 then
        // three 3×3/2 pools needs ≥ 63 px. A deliberately deep stack of stride-2 pools shows the retry.
        let body = Sequential((0..<7).map { _ in MaxPool2d(kernelSize: 2) } + [Conv2d(3, 8, kernelSize: 1)])
        var g = RandomGenerator(seed: 0)
        let probe = try numFeaturesModel(body, generator: &g)
        #expect(probe.size == 128)
        #expect(probe.failures.map(\.size) == [64])
        #expect(probe.features == 8)
    }

    @Test(arguments: [1, 2, 4])
    func inChannelsAdaptTheFirstConv(n: Int) throws {
        var g = RandomGenerator(seed: 4)
        let model = Architecture.resnet18.make(generator: &g)
        let rgb = (model.child("conv1") as! Conv2d).weight.value
        let change = try #require(try updateFirstLayer(model, nIn: n, pretrained: true, generator: &g))
        let conv = try #require(model.child("conv1") as? Conv2d)
        #expect(change.path == "conv1" && conv.inChannels == n)
        let w = conv.weight.value
        switch n {
        case 1: #expect(abs(w[0, 0, 0, 0] - (rgb[0, 0, 0, 0] + rgb[0, 1, 0, 0] + rgb[0, 2, 0, 0])) < 1e-6)
        case 2: #expect(w[5, 1, 3, 3] == rgb[5, 1, 3, 3] * 1.5)
        default:
            #expect(w[5, 2, 3, 3] == rgb[5, 2, 3, 3])
            #expect(w[5, 3, 3, 3] == 0)
        }
    }

    @Test func dataBunchFromFolders() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in ["images/Bengal_12.jpg", "images/pug_3.jpg", "images/pug_10.jpg", "images/great_pyrenees_1.jpg"] {
            let url = dir.appendingPathComponent(f)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: url)
        }
        let byName = try DataBunch(folder: dir.appendingPathComponent("images"), pattern: DataBunch.petsPattern)
        #expect(byName.classes == ["Bengal", "great_pyrenees", "pug"])
        let byFolder = try DataBunch(folder: dir)
        #expect(byFolder.classes == ["images"])
        #expect(DataBunch.pets.c == 37)
        #expect(throws: DataError.self) { try DataBunch(classCount: 0) }
    }
}
