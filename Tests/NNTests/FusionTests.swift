import Tensors
import Testing

@testable import NN

/// Eval-mode conv → BatchNorm (→ add) (→ ReLU) fusion is an execution detail: the same numbers as
/// running every layer, hooks still seeing every layer, and nothing fused when it could be seen.
@Suite struct FusionTests {
    /// resnet18 with batch-norm statistics and affine parameters far from their defaults, so that
    /// folding them into the convolutions changes the weights for real.
    static func model(seed: UInt64 = 5) -> Module {
        var g = RandomGenerator(seed: seed)
        let model = Architecture.resnet18.make(numClasses: 10, generator: &g)
        for case let bn as BatchNorm2d in model.modules {
            let c = bn.numFeatures
            bn.runningMean.value = Tensor.normal([c], generator: &g).scaled(by: 0.3)
            bn.runningVar.value = Tensor((0..<c).map { _ in Float(g.nextUniform()) * 2 + 0.2 })
            bn.weight.value = Tensor((0..<c).map { _ in Float(g.nextUniform()) + 0.5 })
            bn.bias.value = Tensor.normal([c], generator: &g).scaled(by: 0.2)
        }
        model.eval()
        return model
    }

    /// Hooks on every module: nothing is fused any more, and each call is recorded in order.
    @discardableResult
    static func listen(_ model: Module) -> () -> [String] {
        final class Log { var calls: [String] = [] }
        let log = Log()
        for (name, m) in model.namedModules() where m.children.isEmpty {
            m.registerForwardHook { _, _, _ in log.calls.append(name) }
        }
        return { log.calls }
    }

    @Test func fusedEqualsLayerByLayer() throws {
        let model = Self.model()
        var g = RandomGenerator(seed: 9)
        let x = Tensor.normal([2, 3, 64, 64], generator: &g)
        let fused = try model(x)
        // Every conv ran with its batch norm folded in.
        let convs = model.modules.compactMap { $0 as? Conv2d }
        #expect(convs.count == 20)
        #expect(convs.allSatisfy { conv in conv.preparedKernel?.sources.contains { $0 is BatchNorm2d } == true })
        let calls = Self.listen(model)
        let layered = try model(x)
        #expect(convs.allSatisfy { conv in conv.preparedKernel?.sources.contains { $0 is BatchNorm2d } == false })
        #expect(fused.maxRelativeDifference(from: layered) < 1e-5)
        // Layer by layer, every leaf call is seen: 20 convs, 20 batch norms, 17 ReLU calls
        // (the shared ReLU of each block runs twice), the max pool, the avg pool and fc.
        let seen = calls()
        #expect(seen.filter { $0.hasSuffix("conv1") || $0.hasSuffix("conv2") || $0.hasSuffix("downsample.0") }.count == 20)
        #expect(seen.filter { $0.contains("bn") || $0.hasSuffix("downsample.1") }.count == 20)
        #expect(seen.filter { $0.hasSuffix("relu") }.count == 17)
        #expect(seen.count == 20 + 20 + 17 + 3)
    }

    /// The whole model on every path and GEMM library agrees with the reference path, and the
    /// reference path folds nothing.
    @Test(arguments: ExecutionOptions.allPaths)
    func everyPathAgreesWithTheReference(_ options: ExecutionOptions) throws {
        let model = Self.model()
        var g = RandomGenerator(seed: 9)
        let x = Tensor.normal([2, 3, 32, 32], generator: &g)
        let reference = try ExecutionOptions.reference.run { try model(x) }
        let convs = model.modules.compactMap { $0 as? Conv2d }
        #expect(convs.allSatisfy { $0.preparedKernel?.sources.contains { $0 is BatchNorm2d } != true })
        let y = try options.run { try model(x) }
        #expect(y.maxRelativeDifference(from: reference) < 1e-5)
        #expect(convs.allSatisfy { $0.preparedKernel?.sources.contains { $0 is BatchNorm2d } == options.fastPaths })
    }

    @Test func hooksSeeBlocksInPyTorchsOrder() throws {
        let model = Self.model()
        let calls = Self.listen(model)
        var g = RandomGenerator(seed: 1)
        _ = try model(Tensor.normal([1, 3, 32, 32], generator: &g))
        // torchvision's BasicBlock.forward: conv1, bn1, relu, conv2, bn2, downsample, add, relu.
        let block = calls().filter { $0.hasPrefix("layer2.0.") }
        #expect(
            block == [
                "layer2.0.conv1", "layer2.0.bn1", "layer2.0.relu", "layer2.0.conv2", "layer2.0.bn2",
                "layer2.0.downsample.0", "layer2.0.downsample.1", "layer2.0.relu",
            ])
    }

    @Test func changedStatisticsAreFoldedAgain() throws {
        let model = Self.model()
        var g = RandomGenerator(seed: 3)
        let x = Tensor.normal([1, 3, 32, 32], generator: &g)
        let before = try model(x)
        let bn = try #require(model.child("bn1") as? BatchNorm2d)
        bn.runningVar.value[0] *= 4  // an in-place change bumps the version too
        bn.weight.value = bn.weight.value.scaled(by: 2)
        let after = try model(x)
        #expect(after != before)
        Self.listen(model)
        #expect(after.maxRelativeDifference(from: try model(x)) < 1e-5)
    }

    @Test func trainingModeRunsTheBatchNormItself() throws {
        let model = Self.model()
        model.train()
        let bn = try #require(model.child("bn1") as? BatchNorm2d)
        let mean = bn.runningMean.value
        var g = RandomGenerator(seed: 4)
        _ = try model(Tensor.normal([2, 3, 32, 32], generator: &g))
        #expect(bn.runningMean.value != mean)
        #expect(bn.numBatchesTracked.value.storage[0] == 1)
    }

    @Test func aFusedLayerStillNamesItselfInErrors() throws {
        let model = Self.model()
        var g = RandomGenerator(seed: 6)
        let body = Sequential(model.namedChildren.prefix(5).map(\.module))
        do {
            _ = try body(Tensor.normal([1, 4, 32, 32], generator: &g))
            Issue.record("a 4-channel input must fail")
        } catch let error as ForwardError {
            #expect(error.location == "0")
            #expect(error.layer == "Conv2d")
            #expect(error.message.contains("expected input[1, 4, 32, 32] to have 3 channels, but got 4 channels instead"))
        }
    }
}
