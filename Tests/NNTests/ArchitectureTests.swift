import NN
import Tensors
import Testing

@Suite struct ArchitectureTests {
    /// torchvision's own counts (`sum(p.numel() for p in m.parameters())`).
    @Test(arguments: [
        (Architecture.resnet18, 11_689_512), (.resnet34, 21_797_672), (.resnet50, 25_557_032),
        (.resnet101, 44_549_160), (.resnet152, 60_192_808), (.densenet121, 7_978_856),
        (.vgg16_bn, 138_365_992), (.alexnet, 61_100_840), (.squeezenet1_1, 1_235_496),
    ])
    func parameterCountsMatchTorchvision(arch: Architecture, expected: Int) {
        var g = RandomGenerator(seed: 0)
        let model = arch.make(generator: &g)
        #expect(model.parameterCount() == expected)
    }

    @Test func resnet34ChildrenInTorchvisionOrder() {
        var g = RandomGenerator(seed: 0)
        let model = Architecture.resnet34.make(generator: &g)
        #expect(
            model.namedChildren.map(\.name) == [
                "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc",
            ])
        #expect(
            model.stateDict().prefix(6).map(\.name) == [
                "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
            ])
        #expect(model.stateDict().contains { $0.name == "layer2.0.downsample.0.weight" })
    }

    @Test func printedLikePyTorch() {
        var g = RandomGenerator(seed: 0)
        let model = Architecture.resnet18.make(generator: &g)
        let lines = model.description.split(separator: "\n").map(String.init)
        #expect(lines[0] == "ResNet(")
        #expect(lines[1] == "  (conv1): Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)")
        #expect(lines[2] == "  (bn1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)")
        #expect(lines[3] == "  (relu): ReLU(inplace=True)")
        #expect(lines[4] == "  (maxpool): MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)")
        #expect(lines[5] == "  (layer1): Sequential(")
        #expect(lines[6] == "    (0): BasicBlock(")
        #expect(
            lines.suffix(3) == [
                "  (avgpool): AdaptiveAvgPool2d(output_size=(1, 1))",
                "  (fc): Linear(in_features=512, out_features=1000, bias=True)",
                ")",
            ])
    }

    @Test func basicBlockReluCountsOnceAmongLeaves() {
        var g = RandomGenerator(seed: 0)
        let model = Architecture.resnet34.make(generator: &g)
        // conv1 bn1 relu maxpool, 16 blocks of 5 leaves, 3 downsamples of 2, avgpool fc.
        #expect(model.leaves.count == 4 + 16 * 5 + 3 * 2 + 2)
    }

    @Test func forwardShapesAndLocatedErrors() throws {
        var g = RandomGenerator(seed: 1)
        let model = Architecture.resnet18.make(numClasses: 10, generator: &g)
        model.eval()
        let x = Tensor.normal([2, 3, 32, 32], generator: &g)
        #expect(try model(x).shape == [2, 10])
        let bad = Tensor.normal([1, 4, 32, 32], generator: &g)
        do {
            _ = try model(bad)
            Issue.record("a 4-channel input must fail")
        } catch let error as ForwardError {
            #expect(error.location == "conv1")
            #expect(error.layer == "Conv2d")
            #expect(error.message.contains("expected input[1, 4, 32, 32] to have 3 channels, but got 4 channels instead"))
        }
    }

    @Test func hooksSeeEveryChildOutput() throws {
        var g = RandomGenerator(seed: 2)
        let model = Architecture.resnet18.make(generator: &g)
        model.eval()
        var shapes: [String: [Int]] = [:]
        for (name, child) in model.namedChildren {
            child.registerForwardHook { _, _, y in shapes[name] = y.shape }
        }
        _ = try model(Tensor.normal([1, 3, 64, 64], generator: &g))
        #expect(shapes["layer4"] == [1, 512, 2, 2])
        #expect(shapes["maxpool"] == [1, 64, 16, 16])
    }

    @Test func stateDictRoundTripAndStrictErrors() throws {
        var g = RandomGenerator(seed: 3)
        let a = Architecture.resnet18.make(numClasses: 5, generator: &g)
        let b = Architecture.resnet18.make(numClasses: 5, generator: &g)
        let archive = try SafetensorsArchive.decode(a.stateArchive().encoded())
        try b.loadStateDict(archive.tensors)
        #expect(b.stateDict().map(\.tensor) == a.stateDict().map(\.tensor))
        #expect(archive.dtypes["bn1.num_batches_tracked"] == .i64)

        let other = Architecture.resnet18.make(numClasses: 7, generator: &g)
        var state = archive.tensors
        state["extra.weight"] = .zeros([1])
        state["layer1.0.conv1.weight"] = nil
        do {
            try other.loadStateDict(state)
            Issue.record("strict load must fail")
        } catch {
            #expect(error.missingKeys == ["layer1.0.conv1.weight"])
            #expect(error.unexpectedKeys == ["extra.weight"])
            #expect(error.shapeMismatches.map(\.0) == ["fc.weight", "fc.bias"])
        }
    }
}
