import Fastai
import Foundation

/// The charts a training step shows, made from what the `Recorder` recorded: fastai's
/// `recorder.plot_lr(show_moms=True)`, `recorder.plot_losses()` and `recorder.plot()`.
enum TrainingCharts {
    /// One-cycle's rates (one line per layer group), its momentum, and the losses.
    static func fit(recorder r: RecorderData, rows: [EpochStats]) -> [Chart] {
        let groupCount = r.lrs.first?.count ?? 0
        let groups = (0..<groupCount).map { g in Chart.Series(name: "layer group \(g)", y: r.lrs.map { $0.indices.contains(g) ? $0[g] : .nan }) }
        let lr = Chart.line(
            title: "learn.recorder.plot_lr(): the learning rate of each layer group, batch by batch",
            x: .init(title: "iteration"), y: .init(title: "learning rate", scale: groupCount > 1 ? .log10 : .linear), series: groups)
        let mom = Chart.line(
            title: "The momentum (Adam's β1), batch by batch", x: .init(title: "iteration"), y: .init(title: "momentum"),
            series: [.init(name: "momentum", y: r.moms)])
        // plot_losses: the smoothed training loss per batch, the validation loss at each epoch's end.
        var ends: [Double] = []
        var seen = 0
        for n in r.nbBatches {
            seen += n
            ends.append(Double(seen - 1))
        }
        let valid = zip(ends, rows).compactMap { x, row in row.validLoss.map { Chart.Point(x: x, y: Double($0)) } }
        let losses = Chart.line(
            title: "learn.recorder.plot_losses(): training (smoothed) and validation loss", x: .init(title: "iteration"),
            y: .init(title: "loss"), series: [.init(name: "train (smoothed)", y: r.losses), .init(name: "validation", points: valid)])
        return [lr, mom, losses]
    }

    /// `learn.recorder.plot()` after `lr_find`: the smoothed loss against the rate, log scale,
    /// with fastai's suggestion (the steepest descent) marked.
    static func lrFind(_ result: LRFindResult) -> Chart {
        var markers: [Chart.Marker] = []
        if let s = result.suggestion {
            markers.append(
                .init(x: s.minGradientLR, y: s.losses[s.minGradientIndex], label: "min numerical gradient \(LRSuggestion.formatE(s.minGradientLR))"))
        }
        return Chart.line(
            title: "learn.recorder.plot(): smoothed loss against the learning rate", x: .init(title: "learning rate", scale: .log10),
            y: .init(title: "loss"), series: [.init(name: "smoothed loss", x: result.lrs, y: result.losses)], markers: markers)
    }
}
