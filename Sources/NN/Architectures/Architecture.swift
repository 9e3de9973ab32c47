import Tensors

/// The torchvision architectures LearnerLens can build, by their torchvision names.
public enum Architecture: String, CaseIterable, Sendable {
    case resnet18, resnet34, resnet50, resnet101, resnet152
    case densenet121
    case vgg16_bn
    case alexnet
    case squeezenet1_1

    /// Builds the model with torchvision's structure and default (random) initialisation.
    public func make(numClasses: Int = 1000, generator: inout RandomGenerator) -> Module {
        switch self {
        case .resnet18: ResNet(block: .basic, layers: [2, 2, 2, 2], numClasses: numClasses, generator: &generator)
        case .resnet34: ResNet(block: .basic, layers: [3, 4, 6, 3], numClasses: numClasses, generator: &generator)
        case .resnet50: ResNet(block: .bottleneck, layers: [3, 4, 6, 3], numClasses: numClasses, generator: &generator)
        case .resnet101: ResNet(block: .bottleneck, layers: [3, 4, 23, 3], numClasses: numClasses, generator: &generator)
        case .resnet152: ResNet(block: .bottleneck, layers: [3, 8, 36, 3], numClasses: numClasses, generator: &generator)
        case .densenet121: DenseNet(numClasses: numClasses, generator: &generator)
        case .vgg16_bn: VGG(numClasses: numClasses, generator: &generator)
        case .alexnet: AlexNet(numClasses: numClasses, generator: &generator)
        case .squeezenet1_1: SqueezeNet(numClasses: numClasses, generator: &generator)
        }
    }

    /// The name list for error messages.
    public static var knownNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
