import Fastai
import Foundation

/// `learn.lr_find(); learn.recorder.plot()`: a short run with an exponentially growing learning
/// rate, the smoothed loss it gave at each rate, and fastai's suggestion — then the weights are
/// put back, so the learner is as before.
public struct LRFindStep: LessonStep {
    public static let id = "lr_find"
    public static let title = "Find a learning rate"
    public static let source = "learn.lr_find()\nlearn.recorder.plot(suggestion=True)"
    public static let facts: FactSchema = [
        "iterations", "stopped_early", "start_lr", "last_lr", "best_loss", "best_lr", "suggestion", "min_loss_lr", "problem",
        "weights_restored", "num_it", "end_lr", "beta",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.learn, Slots.trainingData], makes: [Slots.trainingData]) }

    /// `lr_find`'s defaults in fastai v1 (`train.py`): `start_lr=1e-7, end_lr=10, num_it=100`.
    static let startLR = 1e-7, endLR = 10.0, numIt = 100

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        var data = try state.need(Slots.trainingData)
        let before = learn.model.stateDict().map(\.tensor.storage)
        let result = try learn.lrFind(data: &data, startLR: Self.startLR, endLR: Self.endLR, numIt: Self.numIt) { event in
            if case .batch(_, let batch, let of, let loss) = event {
                state.report(.transient("lr_find  batch \(batch)/\(of)  smoothed loss \(String(format: "%.4f", loss))"))
            }
        }
        try state.make(Slots.trainingData, data)
        var f = Facts()
        f["iterations"] = .int(result.losses.count)
        f["stopped_early"] = .bool(result.losses.count < Self.numIt)
        if let first = result.lrs.first, let last = result.lrs.last {
            f["start_lr"] = .real(first)
            f["last_lr"] = .real(last)
        }
        if let (i, best) = result.losses.enumerated().filter({ $0.element.isFinite }).min(by: { $0.element < $1.element }).map({
            ($0.offset, $0.element)
        }) {
            f["best_loss"] = .number(Double(best), places: 4)
            f["best_lr"] = .text(LRSuggestion.formatE(result.lrs[i]))
        }
        if let s = result.suggestion {
            f["suggestion"] = .text(LRSuggestion.formatE(s.minGradientLR))
            f["min_loss_lr"] = .text(LRSuggestion.formatE(s.minLossLR))
        }
        f["problem"] = .text(result.suggestionProblem ?? "")
        f["num_it"] = .int(Self.numIt)
        f["end_lr"] = .real(Self.endLR)
        f["beta"] = .real(SmoothenValue().beta)
        f["weights_restored"] = .bool(learn.model.stateDict().map(\.tensor.storage) == before)
        state.show(.chart(TrainingCharts.lrFind(result)))
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out =
            "`lr_find` ran \(MD.number(f["iterations"])) batches, the rate growing from \(MD.number(f["start_lr"])) to \(MD.number(f["last_lr"]))"
        out += f["stopped_early"] == .bool(true) ? " — it stopped early, when the smoothed loss passed 4× its best.\n\n" : ".\n\n"
        if let best = f["best_loss"] { out += "The lowest smoothed loss, \(best.prose), came at a rate of \(MD.number(f["best_lr"])).\n\n" }
        if let s = f["suggestion"] {
            out += "```\nMin numerical gradient: \(s.prose)\nMin loss divided by 10: \(f["min_loss_lr"]?.prose ?? "")\n```\n"
        } else {
            out += "No suggestion: \(MD.text(f["problem"]?.prose ?? "")).\n"
        }
        out +=
            f["weights_restored"] == .bool(true)
            ? "\nAfterwards every weight is exactly as before the search.\n" : "\n**The weights were not restored.**\n"
        return out
    }
}
