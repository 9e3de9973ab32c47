import Fastai
import NN
import Tensors

/// The notebook's variables while a lesson runs: what each `create_cnn` line leaves behind.
public final class LessonContext {
    /// The lesson's parameters after `--set` (cells may override them for themselves).
    public let parameters: LessonParameters
    /// Every random draw of the run comes from here, so a seed fixes the whole lesson.
    public var generator: RandomGenerator
    /// Where pretrained weights are looked up (tests inject "none").
    public let locateWeights: (Architecture) -> PretrainedWeights

    public var data: DataBunch?
    public var arch: Architecture?
    public var meta: ModelMeta?
    /// `arch(pretrained)`: the whole torchvision model before the cut.
    public var pretrainedModel: Module?
    public var weights: PretrainedWeights?
    public var pretrainedLoaded = false
    public var firstLayerChange: FirstLayerChange?
    public var cut: Cut?
    public var body: Module?
    public var probe: FeatureProbe?
    public var nf: Int?
    public var head: Module?
    public var model: Module?
    public var learn: Learner?
    /// Layers a step swapped out, by dotted path, with the module that stood there before (so a later
    /// step can compare the model with and without the change, as lesson 4's proof does).
    public var replacedLayers: [String: Module] = [:]
    /// The shapes a model-sized image goes through, for pipeline lines and diagrams.
    public var pipeline = Pipeline()

    public init(
        parameters: LessonParameters,
        locateWeights: @escaping (Architecture) -> PretrainedWeights = { PretrainedWeights.locate($0) }
    ) {
        self.parameters = parameters
        self.generator = RandomGenerator(seed: parameters.seed)
        self.locateWeights = locateWeights
    }

    /// A value a step needs, or an error naming the step that provides it.
    func require<T>(_ value: T?, _ slot: Slot) throws -> T {
        guard let value else { throw StepError("needs \(slot.name), which the \(slot.producer) step makes; run that step first") }
        return value
    }
}

/// The notebook variables steps read and write; `check` uses them to find steps out of order.
public enum Slot: String, Sendable, CaseIterable {
    case data, meta, body, nf, head, model, learn, groups

    var name: String {
        switch self {
        case .data: "data"
        case .meta: "meta"
        case .body: "body"
        case .nf: "nf"
        case .head: "head"
        case .model: "model"
        case .learn: "learn"
        case .groups: "layer groups"
        }
    }

    /// The step id that produces the slot.
    var producer: String {
        switch self {
        case .data: "data"
        case .meta: "cnn_config"
        case .body: "create_body"
        case .nf: "num_features"
        case .head: "create_head"
        case .model: "sequential"
        case .learn: "learner"
        case .groups: "split"
        }
    }
}

/// A failure inside a step, with a message for the lesson's reader.
public struct StepError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
