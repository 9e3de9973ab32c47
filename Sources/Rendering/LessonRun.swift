import Fastai
import LessonKit
import NN

/// An executed lesson, ready to render: its segments with measured numbers made stable, and the
/// file name its pages get. Every renderer (page, slides, notebook) starts from one of these.
public struct LessonRun: Sendable {
    public var lesson: Lesson
    public var parameters: LessonParameters
    /// The lesson as the reader sees it, measured numbers at `MeasuredPrecision`.
    public var segments: [RunSegment]
    public var stepCount: Int
    /// Which weights each model the run built had.
    public var weights: [WeightsUse]
    /// The base name of its files (`01-behind-create-cnn` → `01-behind-create-cnn.html`).
    public var stem: String
    /// The measurements of a lesson that trains, written beside its pages (`STEM.run.json`) so the
    /// site can be made again without training again.
    public var record: RecordedRun?

    /// Wraps a session that has run all its cells, and the segments `runAll()` returned.
    public init(session: LessonSession, segments: [RunSegment], precision: MeasuredPrecision = MeasuredPrecision()) {
        lesson = session.lesson
        parameters = session.parameters
        stepCount = session.stepCount
        weights = session.weightsUsed
        stem = HTMLText.fileStem(session.lesson.name)
        let map = precision.replacements(for: session.results)
        self.segments = segments.map { segment -> RunSegment in
            switch segment {
            case .prose(let text): return .prose(precision.apply(text, map))
            case .step(var r):
                r.markdown = precision.apply(r.markdown, map)
                return .step(r)
            }
        }
    }

    /// Runs a lesson from start to end.
    public static func execute(
        _ lesson: Lesson, overrides: [(String, String)] = [],
        locateWeights: @escaping (Architecture) -> PretrainedWeights = { PretrainedWeights.locate($0) }
    ) throws -> LessonRun {
        let session = try LessonSession(lesson: lesson, overrides: overrides, locateWeights: locateWeights)
        let segments = try session.runAll()
        return LessonRun(session: session, segments: segments)
    }

    /// Whether the lesson has a step that trains (and so is recorded rather than run for each site).
    public static func trains(_ lesson: Lesson) -> Bool {
        let ids = Set(StepRegistry.training.map { $0.id })
        return lesson.cells.contains { ids.contains($0.step) }
    }

    /// Runs a lesson and keeps its measurements as a record.
    public static func executeRecording(
        _ lesson: Lesson, overrides: [(String, String)], randomWeights: Bool, recorded: String, machine: String,
        locateWeights: @escaping (Architecture) -> PretrainedWeights, progress: (@Sendable (StepProgress) -> Void)? = nil
    ) throws -> LessonRun {
        let session = try LessonSession(lesson: lesson, overrides: overrides, locateWeights: locateWeights)
        session.context.progress = progress
        let segments = try session.runAll()
        var run = LessonRun(session: session, segments: segments)
        run.record = RecordedRun(
            session: session, signature: try RunSignature(lesson: lesson, parameters: session.parameters, randomWeights: randomWeights),
            recorded: recorded, machine: machine)
        return run
    }

    /// The lesson made again from its record, or why the record does not fit the lesson any more.
    public static func replay(_ lesson: Lesson, overrides: [(String, String)], randomWeights: Bool, record: RecordedRun) throws -> Result<
        LessonRun, StaleRecord
    > {
        let session = try LessonSession(lesson: lesson, overrides: overrides, locateWeights: { _ in PretrainedWeights(searched: [], file: nil) })
        let signature = try RunSignature(lesson: lesson, parameters: session.parameters, randomWeights: randomWeights)
        if let reason = record.staleness(against: signature) { return .failure(StaleRecord(reason: reason)) }
        let segments: [RunSegment]
        do {
            segments = try session.replay(record)
        } catch {
            return .failure(StaleRecord(reason: error.message))
        }
        var run = LessonRun(session: session, segments: segments)
        run.weights = record.weights
        run.record = record
        return .success(run)
    }

    /// The step results, in order.
    public var results: [StepResult] {
        segments.compactMap {
            if case .step(let r) = $0 { return r }
            return nil
        }
    }

    /// Which fastai the code shows, and the lines 1.0.61 writes differently (front matter `fastai_version`).
    public var versionNote: FastaiVersionNote? { FastaiVersionNote(lesson: lesson, version: parameters.fastaiVersion) }

    /// The lesson's one-line summary from its front matter.
    public var summary: String { parameters.summary }
}

/// Why a recorded run no longer stands for its lesson.
public struct StaleRecord: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
