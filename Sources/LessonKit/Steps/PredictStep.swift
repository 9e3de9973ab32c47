import Fastai
import Foundation

/// `learn.predict(img)`: one validation image, the class the model gives it, and the
/// probabilities behind that answer (fastai returns the category, its index and the probabilities).
public struct PredictStep: LessonStep {
    public static let id = "predict"
    public static let title = "Predict one image"
    public static let source = "img = data.valid_ds[0][0]\nlearn.predict(img)"
    public static let options = ["item"]
    public static let facts: FactSchema = [
        "item", "actual", "predicted", "index", "probability", "right", .list("probabilities", "class", "probability"),
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.learn, Slots.trainingData, Slots.data]) }

    var item: Int

    public init(options: [String: String]) throws(ParameterError) {
        item = try options["item"].map { raw throws(ParameterError) in try LessonParameters.int(raw, "item", min: 0, max: 10_000_000) } ?? 0
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        let data = try state.need(Slots.trainingData)
        let classes = try state.need(Slots.data).classes
        guard item < data.valid.itemCount else {
            throw StepError("item \(item) is not in the validation set, which holds \(data.valid.itemCount) images (0…\(data.valid.itemCount - 1))")
        }
        let batch = try data.valid.batch([item])
        let (index, probabilities) = try learn.predict(batch.images)
        let actual = batch.labels[0]
        var f = Facts()
        f["item"] = .int(item)
        f["actual"] = .text(classes[actual])
        f["predicted"] = .text(classes[index])
        f["index"] = .int(index)
        f["probability"] = .number(Double(probabilities[index]), places: 4)
        f["right"] = .bool(index == actual)
        let ranked = probabilities.indices.sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
        f["probabilities"] = .list(
            ranked.prefix(5).map { .object([("class", .text(classes[$0])), ("probability", .number(Double(probabilities[$0]), places: 4))]) })
        state.show(
            .image(
                ImageFigure(
                    title: "data.valid_ds[\(item)]: actually \(classes[actual])", alt: "validation image \(item), labelled \(classes[actual])",
                    grid: try TitledGrid(batch: batch.images, normalization: data.valid.normalization, titles: [[classes[actual]]], columns: 1),
                    scale: max(1, 112 / data.valid.size))))
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = "`learn.predict` calls validation image \(MD.number(f["item"])) a \(MD.code(f["predicted"]?.prose ?? "")) "
        out += "(class index \(MD.number(f["index"])), probability \(MD.number(f["probability"]))); "
        out += f["right"] == .bool(true) ? "and so it is.\n\n" : "but its label is \(MD.code(f["actual"]?.prose ?? "")).\n\n"
        out += MD.table(
            ["class", "probability"],
            MD.items(f["probabilities"]).map { [MD.text($0.member("class")?.prose ?? ""), MD.number($0.member("probability"))] }, right: [1])
        return out
    }
}
