import Fastai

/// Which weights one model of a lesson's run had: every `arch(pretrained)` the run built gets one.
public struct WeightsUse: Sendable, Equatable {
    public var arch: String
    /// Whether the lesson asked for pretrained weights (`pretrained: true`).
    public var pretrainedAsked: Bool
    /// Whether a weights file was found and loaded.
    public var loaded: Bool
    /// The file loaded, by name.
    public var file: String?
    /// Whether anyone looked for a file (the site's `--random-weights` does not).
    public var lookedUp: Bool

    init(_ built: LoadedArchitecture) {
        arch = built.arch.rawValue
        pretrainedAsked = built.weights != nil
        loaded = built.loaded
        file = built.loaded ? built.weights?.file?.lastPathComponent : nil
        lookedUp = !(built.weights?.searched.isEmpty ?? true)
    }

    /// `ImageNet weights from resnet34.safetensors`, or why the weights are random.
    public var description: String {
        if loaded { return "ImageNet weights from \(file ?? "a weights file")" }
        if !pretrainedAsked { return "random initialisation (pretrained=False)" }
        if !lookedUp { return "random initialisation (pretrained weights deliberately not loaded)" }
        return "random initialisation (no pretrained weights were found)"
    }
}

extension LessonSession {
    /// The weights of every model the run built so far, each model once, in order.
    public var weightsUsed: [WeightsUse] { recordedWeights }
}
