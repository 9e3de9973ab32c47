import Fastai
import Markup

/// A step type: one line of `create_cnn` (or a general notebook action) that runs real code,
/// returns typed facts, and renders them as Markdown.
public protocol LessonStep: Sendable {
    /// The id a cell names in `#| step:`.
    static var id: String { get }
    /// A short human title (`Cut the body`).
    static var title: String { get }
    /// The canonical fastai source line this step explains.
    static var source: String { get }
    /// Options of its own a cell may give (beyond lesson parameters).
    static var options: [String] { get }
    /// The facts it reports and their structure: `check` validates `{{id.fact.member}}` against
    /// it, and the session rejects a result that does not match it.
    static var facts: FactSchema { get }

    /// Builds the step from the cell's own options (values already checked by name).
    init(options: [String: String]) throws(ParameterError)

    /// The notebook variables this cell's step needs, reads when present, and makes. `check`
    /// orders cells by it; the `StepState` a step runs with refuses any other slot.
    var access: StepAccess { get }

    /// Runs the step on the notebook's state and returns what it measured.
    func run(_ state: StepState, _ parameters: LessonParameters) throws -> Facts

    /// The facts as Markdown (tables, before→after, pipeline lines). Formats only; computes nothing.
    func markdown(_ facts: Facts) -> String
}

extension LessonStep {
    public static var options: [String] { [] }
}

/// Every step type LearnerLens knows, by id.
public enum StepRegistry {
    /// The nine lines of `create_cnn`, in fastai's order.
    public static let createCNN: [any LessonStep.Type] = [
        CnnConfigStep.self, CreateBodyStep.self, NumFeaturesStep.self, CreateHeadStep.self, SequentialStep.self,
        LearnerStep.self, SplitStep.self, FreezeStep.self, ApplyInitStep.self,
    ]

    /// General steps a lesson needs around them.
    public static let general: [any LessonStep.Type] = [
        DataStep.self, ForwardStep.self, SummaryStep.self, TreeStep.self, WeightsStep.self,
        PoolFeaturesStep.self, ListCopyStep.self, AdaptFirstLayerStep.self, SameOutputStep.self, FindCutStep.self,
        MetaCompareStep.self, SharedModulesStep.self, StageParamsStep.self, BlockStep.self, CreateHeadV2Step.self, CreateCNNStep.self,
    ]

    /// The steps that train: they run for seconds to minutes, so `html` renders them from a recorded run.
    public static let training: [any LessonStep.Type] = [
        TrainingDataStep.self, FitOneCycleStep.self, LRFindStep.self, InterpretStep.self, ShowResultsStep.self, PredictStep.self, CompareFitStep.self,
    ]

    public static var all: [any LessonStep.Type] { createCNN + general + training }

    public static var ids: [String] { all.map { $0.id } }

    public static func type(_ id: String) -> (any LessonStep.Type)? { all.first { $0.id == id } }

    /// The step types whose cells make `slot` (with their default options).
    public static func producers(of slot: AnySlot) -> [String] {
        all.filter { type in (try? type.init(options: [:]))?.access.makes.contains(slot) == true }.map { $0.id }
    }

    /// `the create_body step`, `the adapt_first_layer step`, or `a step` when none makes it.
    static func producerPhrase(of slot: AnySlot) -> String {
        let ids = producers(of: slot)
        return ids.isEmpty ? "a step" : "the " + ids.joined(separator: " or ") + " step"
    }
}
