import Fastai
import Foundation

/// `learn.show_results(rows=r)`: fastai v1 predicts the first validation batch (`pred_batch`) and draws
/// `min(rows², bs)` of its images, each titled with its label above the model's answer, under the
/// heading "Ground truth / Predictions" (`ImageList.show_xyzs`).
public struct ShowResultsStep: LessonStep {
    public static let id = "show_results"
    public static let title = "Show results"
    public static let source = "learn.show_results(rows=3)"
    public static let options = ["rows"]
    public static let facts: FactSchema = ["rows", "shown", "right", .list("results", "actual", "predicted")]
    public var access: StepAccess { StepAccess(needs: [Slots.learn, Slots.trainingData, Slots.data]) }

    /// fastai's default is 5 (25 images when the batch holds that many).
    var rows: Int

    public init(options: [String: String]) throws(ParameterError) {
        rows = try options["rows"].map { raw throws(ParameterError) in try LessonParameters.int(raw, "rows", min: 1, max: 8) } ?? 5
    }

    /// The heading fastai's figure carries (two lines in matplotlib).
    static let heading = "Ground truth / Predictions"

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        let data = try state.need(Slots.trainingData)
        let classes = try state.need(Slots.data).classes
        // The first validation batch (not shuffled), cut to rows² as show_results does.
        let n = min(rows * rows, p.batchSize, data.valid.itemCount)
        let batch = try data.valid.batch(Array(0..<n))
        let probabilities = try learn.predBatch(batch.images)
        let predicted = try Metrics.argmax(probabilities.storage, classes: probabilities.shape[1], rows: n)
        let right = zip(predicted, batch.labels).filter { $0 == $1 }.count
        var f = Facts()
        f["rows"] = .int(rows)
        f["shown"] = .int(n)
        f["right"] = .int(right)
        f["results"] = .list(
            zip(batch.labels, predicted).map { .object([("actual", .text(classes[$0])), ("predicted", .text(classes[$1]))]) })
        let titles = zip(batch.labels, predicted).map { [classes[$0], classes[$1]] }
        state.show(
            .image(
                ImageFigure(
                    title: "learn.show_results(rows=\(rows)): \(Self.heading)",
                    alt: "\(n) validation images, each as ground truth / prediction: "
                        + titles.map { $0.joined(separator: " / ") }.joined(separator: "; "),
                    grid: try TitledGrid(
                        batch: batch.images, normalization: data.valid.normalization, titles: titles,
                        columns: Int(Double(n).squareRoot().rounded(.up))),
                    scale: max(1, 84 / data.valid.size))))
        return f
    }

    public func markdown(_ f: Facts) -> String {
        """
        `show_results` predicts the first validation batch and draws \(MD.number(f["shown"])) of its images, the label \
        above the model's answer: **\(MD.number(f["right"]))** of the \(MD.number(f["shown"])) are right.

        """
    }
}
