import Fastai
import Foundation
import Markup
import NN

/// What one executed cell produced.
public struct StepResult: Sendable {
    /// 1-based position among the lesson's cells.
    public var index: Int
    public var cell: Cell
    public var title: String
    public var facts: Facts
    /// The facts rendered as Markdown by the step type.
    public var markdown: String
    /// The model's pipeline after this step.
    public var pipeline: Pipeline
    /// Wall time of the step (not part of any deterministic output).
    public var seconds: Double
    /// The pictures the step showed (charts, image grids), in order.
    public var figures: [Figure] = []
}

/// A piece of a lesson as the reader sees it once run.
public enum RunSegment: Sendable {
    /// Prose with its placeholders resolved.
    case prose(String)
    case step(StepResult)
}

/// Runs a lesson cell by cell, keeping the notebook's state — the engine behind every output.
public final class LessonSession {
    public let lesson: Lesson
    public let parameters: LessonParameters
    public let context: LessonContext
    /// Results so far, in order.
    public private(set) var results: [StepResult] = []
    private let steps: [(Cell, any LessonStep, LessonParameters)]
    /// The `--set` pairs, to say where a parameter came from when it breaks a step.
    private let overrides: [(String, String)]
    /// Which weights each model built so far had (`weightsUsed`), and the models already counted.
    private(set) var recordedWeights: [WeightsUse] = []
    private var recordedModels: [ObjectIdentifier] = []

    /// Checks the lesson (every problem at once) and prepares its steps; `overrides` are `--set` pairs.
    public init(
        lesson: Lesson, overrides: [(String, String)] = [],
        locateWeights: @escaping (Architecture) -> PretrainedWeights = { PretrainedWeights.locate($0) }
    ) throws(LessonErrors) {
        let checked = try LessonChecker.check(lesson, overrides: overrides)
        self.lesson = lesson
        parameters = checked.parameters
        steps = checked.steps
        self.overrides = overrides
        context = LessonContext(parameters: checked.parameters, locateWeights: locateWeights)
    }

    /// The number of cells.
    public var stepCount: Int { steps.count }

    /// The cells, in order.
    public var cells: [Cell] { steps.map(\.0) }

    /// Runs the next cell; a failure names the lesson file, the cell's line and the step.
    @discardableResult
    public func runNext() throws(LessonDiagnostic) -> StepResult {
        let (cell, step, parameters) = steps[results.count]
        let start = DispatchTime.now().uptimeNanoseconds
        let facts: Facts
        do {
            facts = try step.run(StepState(context: context, step: cell.step, access: step.access, cell: results.count), parameters)
            if let problem = type(of: step).facts.mismatch(in: facts) {
                throw StepError("step type \(cell.step) \(problem) (a bug in the step type: its facts schema and its run disagree)")
            }
        } catch {
            throw LessonDiagnostic(
                file: lesson.file, line: cell.stepLine, column: cell.stepColumn, "step \(cell.step) failed: \(explain(error, cell, parameters))")
        }
        if let built = context[Slots.architecture], !recordedModels.contains(ObjectIdentifier(built.model)) {
            recordedModels.append(ObjectIdentifier(built.model))
            recordedWeights.append(WeightsUse(built))
        }
        let result = StepResult(
            index: results.count + 1, cell: cell, title: type(of: step).title, facts: facts, markdown: step.markdown(facts),
            pipeline: context.pipeline, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
            figures: context.figures[results.count] ?? [])
        results.append(result)
        return result
    }

    /// The next cell's result from a recorded run: its facts checked against the step's schema (a
    /// record from code whose facts changed is refused), its Markdown made again.
    func replayNext(_ recorded: RecordedStep) throws(LessonDiagnostic) -> StepResult {
        let (cell, step, _) = steps[results.count]
        if let problem = type(of: step).facts.mismatch(in: recorded.facts.facts) {
            throw LessonDiagnostic(
                file: lesson.file, line: cell.stepLine, column: cell.stepColumn,
                "the recorded run of step \(cell.step) \(problem); run the lesson again")
        }
        let result = StepResult(
            index: results.count + 1, cell: cell, title: type(of: step).title, facts: recorded.facts.facts,
            markdown: step.markdown(recorded.facts.facts), pipeline: recorded.pipeline, seconds: recorded.seconds, figures: recorded.figures)
        results.append(result)
        return result
    }

    /// The weights a recorded run's models had.
    func adoptWeights(_ weights: [WeightsUse]) { recordedWeights = weights }

    /// A step's error as the reader should see it. A layer that the lesson's images are too small for
    /// (PyTorch: "Output size is too small", "Kernel size can't be greater than actual input size")
    /// says so, names the layer, and says where image_size was set, since that is the line to change.
    func explain(_ error: any Error, _ cell: Cell, _ p: LessonParameters) -> String {
        guard let forward = error as? ForwardError,
            forward.message.contains("Output size is too small") || forward.message.contains("Kernel size can't be greater than actual input size")
        else { return "\(error)" }
        let side = p.imageSize
        return
            "an image of \(side)×\(side) pixels is too small for \(p.arch.rawValue): \(forward) (image_size \(side) \(origin(of: "image_size", in: cell)))"
    }

    /// Where a parameter's value for `cell` comes from: the cell's `#|` line, `--set`, the front matter, or the default.
    func origin(of key: String, in cell: Cell) -> String {
        if let option = cell.options.last(where: { $0.key == key }) { return "is set at \(lesson.file):\(option.line):\(option.column)" }
        if overrides.contains(where: { $0.0 == key }) { return "comes from --set" }
        if let entry = lesson.front.last(where: { $0.key == key }) { return "is set at \(lesson.file):\(entry.line):1" }
        return "is the default"
    }

    /// True once every cell ran.
    public var finished: Bool { results.count == steps.count }

    /// Runs all cells and returns the lesson as the reader sees it, prose resolved.
    public func runAll() throws(LessonDiagnostic) -> [RunSegment] {
        var segments: [RunSegment] = []
        for item in lesson.items {
            switch item {
            case .prose(let p): segments.append(.prose(try resolve(p)))
            case .cell: segments.append(.step(try runNext()))
            }
        }
        return segments
    }

    /// The prose that stands before cell `index` (1-based) and after the previous cell.
    public func prose(before index: Int) -> [Prose] {
        var cellsSeen = 0
        var out: [Prose] = []
        for item in lesson.items {
            switch item {
            case .cell: cellsSeen += 1
            case .prose(let p) where cellsSeen == index - 1: out.append(p)
            default: break
            }
            if cellsSeen >= index { break }
        }
        return out
    }

    /// The prose after the last cell.
    public var closingProse: [Prose] {
        guard let last = lesson.items.lastIndex(where: { if case .cell = $0 { return true } else { return false } }) else {
            return lesson.items.compactMap { if case .prose(let p) = $0 { return p } else { return nil } }
        }
        return lesson.items[(last + 1)...].compactMap { if case .prose(let p) = $0 { return p } else { return nil } }
    }

    /// Resolves a prose chunk's placeholders against the results so far.
    public func resolve(_ prose: Prose) throws(LessonDiagnostic) -> String {
        try Template.resolve(prose.markdown, line: prose.line, file: lesson.file) { path in
            FactResolver(results: results, parameters: parameters, lesson: lesson).value(path)
        }
    }
}

/// Finds the value of `{{a.b.c}}`: a cell id's fact, else the latest fact of that name, else a parameter.
struct FactResolver {
    var results: [StepResult]
    var parameters: LessonParameters
    var lesson: Lesson

    func value(_ path: [String]) -> Result<FactValue, StepError> {
        guard let first = path.first, !first.isEmpty else { return .failure(StepError("empty placeholder {{}}")) }
        if let r = results.last(where: { $0.cell.id == first }), path.count > 1, let v = r.facts.lookup(Array(path.dropFirst())) {
            return .success(v)
        }
        if let r = results.last(where: { $0.cell.id == first }), path.count == 1 {
            return .failure(
                StepError("'\(first)' is a step; name one of its facts: \(r.facts.keys.map { "{{\(first).\($0)}}" }.joined(separator: ", "))"))
        }
        // A cell that overrides a parameter for itself (`#| arch: vgg16_bn`) keeps that override to
        // itself: its fact of the same name is cited by its id (`{{vgg_cut.arch}}`), never by the
        // bare name, which goes on meaning what it meant before that cell.
        for r in results.reversed() where !LessonParameters.keys.contains(first) || r.cell.option(first) == nil {
            if let v = r.facts.lookup(path) { return .success(v) }
        }
        if first == "lesson", let v = parameters.facts.member(path.dropFirst().first ?? "") { return .success(v) }
        if path.count == 1, let v = parameters.facts.member(first) { return .success(v) }
        return .failure(StepError("no fact '\(path.joined(separator: "."))' at this point of the lesson" + cause(path)))
    }

    /// Why a path a step normally fills is missing: the deepest part that exists recorded an
    /// `error` (a layer the image did not get through, say).
    private func cause(_ path: [String]) -> String {
        guard let r = results.last(where: { $0.cell.id == path[0] }) else { return "" }
        for length in stride(from: path.count - 1, through: 1, by: -1) {
            let prefix = Array(path[1..<length])
            let node = prefix.isEmpty ? nil : r.facts.lookup(prefix)
            if let node, let error = node.member("error") {
                return ": \(path[..<length].joined(separator: ".")) has no '\(path[length])' because it failed: \(error.prose)"
            }
        }
        return ""
    }
}
