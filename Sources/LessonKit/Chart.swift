import Foundation

/// A picture a step returns beside its facts — a line chart or a heat map — as plain data.
///
/// A chart holds what was measured and how to show it (axis titles, log or linear scales,
/// markers), never pixels: `Rendering.SVGChart` draws it for pages and notebooks and
/// `Rendering.TerminalPlot` for the terminal, and a recorded run stores it as JSON
/// (`Codable`; non-finite numbers are kept as the strings `"nan"`, `"inf"`, `"-inf"`).
///
/// ```swift
/// let curve = Chart.line(
///     title: "learn.recorder.plot()",
///     x: .init(title: "learning rate", scale: .log10), y: .init(title: "loss"),
///     series: [.init(name: "smoothed loss", x: lrs, y: losses)],
///     markers: [.init(x: 3e-3, y: 0.42, label: "min numerical gradient")])
/// let matrix = Chart.heatMap(title: "Confusion matrix", counts: cm, rowLabels: classes, columnLabels: classes)
/// ```
public struct Chart: Sendable, Equatable, Codable {
    /// Shown above the picture and first in its accessible name.
    public var title: String
    /// What is drawn.
    public var content: Content

    /// The kinds of chart.
    public enum Content: Sendable, Equatable {
        /// Named series of (x, y) points on two axes.
        case line(LinePlot)
        /// A matrix of counts (a confusion matrix).
        case heatMap(HeatMap)
    }

    public init(title: String, content: Content) {
        self.title = title
        self.content = content
    }

    /// A line chart: one line per series, optional vertical markers (lr_find's suggestion).
    public static func line(title: String, x: Axis, y: Axis, series: [Series], markers: [Marker] = []) -> Chart {
        Chart(title: title, content: .line(LinePlot(x: x, y: y, series: series, markers: markers)))
    }

    /// A heat map of counts, `counts[row][column]`; fastai's `plot_confusion_matrix` has rows =
    /// actual and columns = predicted, the default axis titles.
    public static func heatMap(
        title: String, counts: [[Int]], rowLabels: [String], columnLabels: [String], rowTitle: String = "Actual", columnTitle: String = "Predicted"
    ) -> Chart {
        Chart(
            title: title,
            content: .heatMap(HeatMap(counts: counts, rowLabels: rowLabels, columnLabels: columnLabels, rowTitle: rowTitle, columnTitle: columnTitle))
        )
    }

    private enum CodingKeys: String, CodingKey {
        case title, kind, line
        case heatMap = "heat_map"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        switch try c.decode(String.self, forKey: .kind) {
        case "line": content = .line(try c.decode(LinePlot.self, forKey: .line))
        case "heat_map": content = .heatMap(try c.decode(HeatMap.self, forKey: .heatMap))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c, debugDescription: "unknown chart kind \"\(other)\" (expected line or heat_map)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        switch content {
        case .line(let plot):
            try c.encode("line", forKey: .kind)
            try c.encode(plot, forKey: .line)
        case .heatMap(let map):
            try c.encode("heat_map", forKey: .kind)
            try c.encode(map, forKey: .heatMap)
        }
    }
}
