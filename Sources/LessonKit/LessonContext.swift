import Fastai
import NN
import Tensors

/// The notebook's state while a lesson runs: the variables each step reads and writes (`Slots`),
/// the random generator every draw comes from, and the pipeline shown under the steps.
///
/// A step never touches the variables directly: it gets a `StepState`, a view that lets it read
/// and write only the slots its `access` declares. So what a step reads, writes and reports is
/// declared once, `check` can order steps by it, and a step that reaches for a slot it did not
/// declare fails at once (naming the step and the slot) instead of quietly depending on it.
public final class LessonContext {
    /// The lesson's parameters after `--set` (cells may override them for themselves).
    public let parameters: LessonParameters
    /// Every random draw of the run comes from here, so a seed fixes the whole lesson.
    public var generator: RandomGenerator
    /// Where pretrained weights are looked up (tests inject "none").
    public let locateWeights: (Architecture) -> PretrainedWeights
    /// The shapes a model-sized image goes through, for pipeline lines and diagrams.
    public var pipeline = Pipeline()
    /// The slots' values, by slot name.
    private var values: [String: Any] = [:]
    /// The slots each cell's step read or wrote, by the cell's 0-based position: what
    /// `StepAccessTests` compares with the declarations.
    public private(set) var touched: [Int: Set<String>] = [:]
    /// The figures each cell's step showed, by the cell's 0-based position.
    public private(set) var figures: [Int: [Figure]] = [:]
    /// Hears a long step's progress lines (a training step's batches and epochs); the terminal
    /// draws them, other outputs ignore them. Never part of the step's result.
    public var progress: (@Sendable (StepProgress) -> Void)?

    public init(
        parameters: LessonParameters,
        locateWeights: @escaping (Architecture) -> PretrainedWeights = { PretrainedWeights.locate($0) }
    ) {
        self.parameters = parameters
        self.generator = RandomGenerator(seed: parameters.seed)
        self.locateWeights = locateWeights
    }

    /// A slot's current value, for readers outside any step (tests, renderers that show state).
    public subscript<Value>(_ slot: Slot<Value>) -> Value? { values[slot.name] as? Value }

    fileprivate func read<Value>(_ slot: Slot<Value>, by cell: Int) -> Value? {
        touched[cell, default: []].insert(slot.name)
        return values[slot.name] as? Value
    }

    fileprivate func show(_ figure: Figure, by cell: Int) { figures[cell, default: []].append(figure) }

    fileprivate func write<Value>(_ slot: Slot<Value>, _ value: Value?, by cell: Int) {
        touched[cell, default: []].insert(slot.name)
        if let value { values[slot.name] = value } else { values.removeValue(forKey: slot.name) }
    }
}

/// What one step may do with the notebook's variables: the slots it needs (they must exist: `check`
/// puts the steps that make them first), the slots it reads when present, and those it makes.
public struct StepAccess: Sendable, Equatable {
    public var needs: [AnySlot]
    public var uses: [AnySlot]
    public var makes: [AnySlot]

    public init(needs: [any SlotKey] = [], uses: [any SlotKey] = [], makes: [any SlotKey] = []) {
        self.needs = needs.map(\.erased)
        self.uses = uses.map(\.erased)
        self.makes = makes.map(\.erased)
    }

    /// Every slot it may read or write.
    public var all: Set<String> { Set((needs + uses + makes).map(\.name)) }
}

/// A step's view of the context: the generator and pipeline, and the slots its access declares.
public struct StepState {
    public let context: LessonContext
    /// The step's id, for messages.
    let step: String
    let access: StepAccess
    /// The cell's 0-based position in the lesson.
    let cell: Int

    init(context: LessonContext, step: String, access: StepAccess, cell: Int = 0) {
        self.context = context
        self.step = step
        self.access = access
        self.cell = cell
    }

    /// The random generator (every draw of the run comes from it).
    public var generator: RandomGenerator {
        get { context.generator }
        nonmutating set { context.generator = newValue }
    }

    /// The pipeline shown under the steps.
    public var pipeline: Pipeline {
        get { context.pipeline }
        nonmutating set { context.pipeline = newValue }
    }

    /// Where pretrained weights are looked up.
    public func locateWeights(_ arch: Architecture) -> PretrainedWeights { context.locateWeights(arch) }

    /// Adds a picture to the step's result (charts and images; `Rendering` draws them).
    public func show(_ figure: Figure) { context.show(figure, by: cell) }

    /// Tells whoever watches (the terminal) how a long step is getting on.
    public func report(_ progress: StepProgress) { context.progress?(progress) }

    /// A slot the step needs: its value, or an error naming the step that makes it.
    public func need<Value>(_ slot: Slot<Value>) throws(StepError) -> Value {
        guard access.needs.contains(slot.erased) else { throw undeclared(slot.erased, "needs") }
        guard let value = context.read(slot, by: cell) else {
            throw StepError("needs \(slot.description), which \(StepRegistry.producerPhrase(of: slot.erased)) makes; run that step first")
        }
        return value
    }

    /// A slot the step reads when it is there.
    public func use<Value>(_ slot: Slot<Value>) throws(StepError) -> Value? {
        guard access.needs.contains(slot.erased) || access.uses.contains(slot.erased) else { throw undeclared(slot.erased, "uses") }
        return context.read(slot, by: cell)
    }

    /// Sets a slot the step makes (nil empties it: a step that made nothing this time).
    public func make<Value>(_ slot: Slot<Value>, _ value: Value?) throws(StepError) {
        guard access.makes.contains(slot.erased) else { throw undeclared(slot.erased, "makes") }
        context.write(slot, value, by: cell)
    }

    private func undeclared(_ slot: AnySlot, _ list: String) -> StepError {
        StepError("step \(step) touched `\(slot.name)` without declaring it in its access.\(list) (a bug in the step type)")
    }
}

/// A failure inside a step, with a message for the lesson's reader.
public struct StepError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a long step is getting on, for a live display: a line that replaces the previous one (a
/// progress bar's state) or a line that stays (a finished epoch's row).
public enum StepProgress: Sendable, Equatable {
    case transient(String)
    case line(String)
}
