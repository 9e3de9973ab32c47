import Fastai
import Foundation
import Tensors

/// `interp = ClassificationInterpretation.from_learner(learn)`: the validation images the model
/// got most wrong (`plot_top_losses`), the confusion matrix and `most_confused`.
public struct InterpretStep: LessonStep {
    public static let id = "interpret"
    public static let title = "Look at the mistakes"
    public static let source = """
        interp = ClassificationInterpretation.from_learner(learn)
        interp.plot_top_losses(9)
        interp.plot_confusion_matrix()
        interp.most_confused(min_val=2)
        """
    public static let options = ["top"]
    public static let facts: FactSchema = [
        "items", "wrong", "error_rate",
        .list("top_losses", "index", "predicted", "actual", "loss", "probability"),
        .list("most_confused", "actual", "predicted", "count"), "largest_confusion", "best_class", "best_class_accuracy", "worst_class",
        "worst_class_accuracy",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.learn, Slots.trainingData, Slots.data]) }

    var top: Int

    public init(options: [String: String]) throws(ParameterError) {
        top = try options["top"].map { raw throws(ParameterError) in try LessonParameters.int(raw, "top", min: 1, max: 36) } ?? 9
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        let data = try state.need(Slots.trainingData)
        let classes = try state.need(Slots.data).classes
        let interp = try learn.interpret(data.valid)
        let top = try interp.topLosses(k: min(top, interp.targets.count))
        var f = Facts()
        f["items"] = .int(interp.targets.count)
        let wrong = zip(interp.predicted, interp.targets).filter { $0 != $1 }.count
        f["wrong"] = .int(wrong)
        f["error_rate"] = .number(Double(wrong) / Double(interp.targets.count), places: 6)
        let titles: [(Int, Int, Float, Float)] = top.map { t in
            let (pred, actual) = (interp.predicted[t.index], interp.targets[t.index])
            return (pred, actual, t.loss, interp.probabilities[t.index * interp.classes + actual])
        }
        var rows: [FactValue] = []
        for (t, x) in zip(top, titles) {
            let pairs: [(String, FactValue)] = [
                ("index", .int(t.index)), ("predicted", .text(classes[x.0])), ("actual", .text(classes[x.1])),
                ("loss", .number(Double(x.2), places: 2)), ("probability", .number(Double(x.3), places: 2)),
            ]
            rows.append(.object(pairs))
        }
        f["top_losses"] = .list(rows)
        let confused = try interp.mostConfused(classNames: classes, minVal: 2)
        f["most_confused"] = .list(
            confused.prefix(10).map { c -> FactValue in
                let pairs: [(String, FactValue)] = [("actual", .text(c.actual)), ("predicted", .text(c.predicted)), ("count", .int(c.count))]
                return .object(pairs)
            })
        f["largest_confusion"] = .text(confused.first.map { "\($0.actual) taken for \($0.predicted) (\($0.count)×)" } ?? "none twice")
        let cm = interp.confusionMatrix()
        let accuracy = cm.indices.map { r -> Double in
            let n = cm[r].reduce(0, +)
            return n == 0 ? .nan : Double(cm[r][r]) / Double(n)
        }
        let seen = accuracy.indices.filter { accuracy[$0].isFinite }
        if let best = seen.max(by: { accuracy[$0] < accuracy[$1] }), let worst = seen.min(by: { accuracy[$0] < accuracy[$1] }) {
            f["best_class"] = .text(classes[best])
            f["best_class_accuracy"] = .number(accuracy[best], places: 3)
            f["worst_class"] = .text(classes[worst])
            f["worst_class_accuracy"] = .number(accuracy[worst], places: 3)
        }

        let batch = try data.valid.batch(top.map(\.index))
        let captions: [[String]] = titles.map { x in
            TitledGrid.topLossTitle(predicted: classes[x.0], actual: classes[x.1], loss: x.2, probability: x.3)
        }
        let grid = try TitledGrid(
            batch: batch.images, normalization: data.valid.normalization, titles: captions, columns: Int(Double(top.count).squareRoot().rounded(.up)))
        state.show(
            .image(
                ImageFigure(
                    title: "interp.plot_top_losses(\(top.count)): \(TitledGrid.topLossesHeading)",
                    alt: "The \(top.count) validation images with the largest losses: "
                        + captions.map { $0.joined(separator: " ") }.joined(separator: "; "),
                    grid: grid, scale: max(1, 84 / data.valid.size))))
        state.show(.chart(.heatMap(title: "interp.plot_confusion_matrix()", counts: cm, rowLabels: classes, columnLabels: classes)))
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = "The model gets **\(MD.number(f["wrong"]))** of \(MD.number(f["items"])) validation images wrong "
        out += "(error rate \(MD.number(f["error_rate"]))).\n\n"
        out += "The largest losses — `prediction/actual/loss/probability of the actual class`, as `plot_top_losses` titles them:\n\n"
        out += MD.table(
            ["item", "prediction", "actual", "loss", "probability"],
            MD.items(f["top_losses"]).map { t in
                [
                    MD.number(t.member("index")), MD.text(t.member("predicted")?.prose ?? ""), MD.text(t.member("actual")?.prose ?? ""),
                    MD.number(t.member("loss")), MD.number(t.member("probability")),
                ]
            }, right: [0, 3, 4])
        let confused = MD.items(f["most_confused"])
        if confused.isEmpty {
            out += "\nNo pair of classes was confused twice or more.\n"
        } else {
            out += "\n`most_confused(min_val=2)`:\n\n"
            out += MD.table(
                ["actual", "predicted", "times"],
                confused.map {
                    [MD.text($0.member("actual")?.prose ?? ""), MD.text($0.member("predicted")?.prose ?? ""), MD.number($0.member("count"))]
                },
                right: [2])
        }
        if let best = f["best_class"], let worst = f["worst_class"] {
            out += "\nBest recognised: \(MD.code(best.prose)) (\(MD.number(f["best_class_accuracy"])) right); "
            out += "worst: \(MD.code(worst.prose)) (\(MD.number(f["worst_class_accuracy"])) right).\n"
        }
        return out
    }
}
