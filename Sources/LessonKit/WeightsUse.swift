import Fastai

/// Which weights one model of a lesson's run had: every `arch(pretrained)` the run built gets one.
public struct WeightsUse: Sendable, Equatable, Codable {
    public var arch: String
    /// Whether the lesson asked for pretrained weights (`pretrained: true`).
    public var pretrainedAsked: Bool
    /// Whether a weights file was found and loaded.
    public var loaded: Bool
    /// The file loaded, by name.
    public var file: String?
    /// Where the weights came from, or why there are none (`PretrainedWeights.summary`).
    public var summary: String

    init(_ built: LoadedArchitecture) {
        arch = built.arch.rawValue
        pretrainedAsked = built.weights != nil
        loaded = built.loaded
        file = built.loaded ? built.weights?.file?.lastPathComponent : nil
        summary = built.weights?.summary ?? ""
    }

    /// `ImageNet weights from resnet34-b627a593.pth (…)`, or why the weights are random.
    public var description: String {
        if !pretrainedAsked { return "random initialisation (pretrained=False)" }
        return loaded ? "ImageNet weights from \(summary)" : summary
    }
}

extension LessonSession {
    /// The weights of every model the run built so far, each model once, in order.
    public var weightsUsed: [WeightsUse] { recordedWeights }
}
