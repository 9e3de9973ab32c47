import Foundation
import LessonKit

/// A `Chart` as an SVG element, for pages, slides and notebooks.
///
/// Fixed size with a `viewBox` (it scales with its container), a `<title>` and a `<desc>` (the
/// chart's `altText`) for screen readers, ids prefixed by `idPrefix` so several charts can share
/// a page, no script. Every element has a class the site stylesheet styles (`ChartStylesheet`)
/// and also presentation attributes, so the SVG looks the same on its own (a notebook, a file).
/// Coordinates are written with one decimal and numbers in fixed formats: the same chart always
/// gives the same bytes.
public struct SVGChart: Sendable {
    public var chart: Chart
    /// Makes the SVG's ids unique on a page (`c3` → `c3-title`, `c3-clip`).
    public var idPrefix: String
    /// The line chart's size in pixels; a heat map sizes itself from its number of cells.
    public var width: Int
    public var height: Int
    /// Whether the title is drawn above the chart; `false` when the page puts it in a
    /// `<figcaption>` (it stays the SVG's accessible `<title>` either way).
    public var showsTitle: Bool

    public init(_ chart: Chart, idPrefix: String, width: Int = 640, height: Int = 360, showsTitle: Bool = true) {
        self.chart = chart
        self.idPrefix = idPrefix
        self.width = max(160, width)
        self.height = max(120, height)
        self.showsTitle = showsTitle
    }

    /// The visible title's lines at `width`: wrapped at spaces, none when it is not shown.
    func titleLines(width: Double) -> [String] {
        guard showsTitle else { return [] }
        return Self.wrap(chart.title, columns: max(12, Int((width - 2 * Self.pad) / Self.titleCharWidth)))
    }

    /// Room the visible title takes at `width` (22 px for one line, 18 more per extra line).
    func titleHeight(width: Double) -> Double {
        let lines = titleLines(width: width).count
        return lines == 0 ? 0 : Double(lines) * 18 + 4
    }

    /// Words joined into lines of at most `columns` characters (a longer word gets a line to itself).
    static func wrap(_ text: String, columns: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= columns {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The SVG element.
    public func svg() -> String {
        switch chart.content {
        case .line(let plot): lineSVG(plot)
        case .heatMap(let map): heatMapSVG(map)
        }
    }

    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
    static let pad = 12.0
    /// Roughly how wide a character of 12 px text is; only used to leave room for labels.
    static let charWidth = 6.8
    /// The same for the 14 px semibold title.
    static let titleCharWidth = 8.0

    /// The opening tag, title and description.
    func header(kind: String, width: Double, height: Double) -> [String] {
        let w = Self.number(width), h = Self.number(height)
        return [
            "<svg class=\"chart chart-\(kind)\" role=\"img\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" "
                + "aria-labelledby=\"\(idPrefix)-title \(idPrefix)-desc\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "font-family=\"\(Self.fontFamily)\" font-size=\"12\">",
            "<title id=\"\(idPrefix)-title\">\(HTMLText.escape(chart.title))</title>",
            "<desc id=\"\(idPrefix)-desc\">\(HTMLText.escape(chart.altText))</desc>",
        ]
    }

    /// The visible title, centred at the top, a `<text>` per line.
    func titleText(width: Double) -> String? {
        let lines = titleLines(width: width)
        guard !lines.isEmpty else { return nil }
        return lines.enumerated().map { i, line in
            "<text class=\"chart-title\" x=\"\(Self.number(width / 2))\" y=\"\(Self.number(Self.pad + 13 + Double(i) * 18))\" "
                + "text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\" fill=\"\(ChartPalette.ink.hex)\">\(HTMLText.escape(line))</text>"
        }.joined(separator: "\n")
    }

    /// A coordinate with one decimal (`12.0`, `-3.5`), never `-0.0`; far-off values are capped.
    static func number(_ v: Double) -> String {
        let capped = v.isFinite ? min(1e6, max(-1e6, v)) : 0
        return ChartTicks.trimmed(String(format: "%.1f", capped))
    }

    static func textWidth(_ s: String) -> Double { Double(s.count) * charWidth }
}

extension SVGChart {
    func lineSVG(_ plot: Chart.LinePlot) -> String {
        let w = Double(width), h = Double(height), pad = Self.pad
        let points = plot.series.flatMap { $0.points.filter(plot.drawable) }
        let markerXs = plot.markers.map(\.x).filter { $0.isFinite && (plot.x.scale == .linear || $0 > 0) }
        let markerYs = plot.markers.compactMap(\.y).filter { $0.isFinite && (plot.y.scale == .linear || $0 > 0) }
        let xAxis = ChartTicks(scale: plot.x.scale, data: points.map(\.x) + markerXs, fixed: plot.x.range, target: 6)
        let yAxis = ChartTicks(scale: plot.y.scale, data: points.map(\.y) + markerYs, fixed: plot.y.range, target: 5)

        // Legend rows (only with more than one series), laid out left to right.
        var legend: [(x: Double, row: Int, index: Int, name: String)] = []
        let legendStart = pad + 4
        if plot.series.count > 1 {
            var x = legendStart, row = 0
            for (i, s) in plot.series.enumerated() {
                let name = s.name.isEmpty ? "series \(i + 1)" : s.name
                let itemWidth = 30 + Self.textWidth(name) + 14
                if x > legendStart && x + itemWidth > w - pad {
                    row += 1
                    x = legendStart
                }
                legend.append((x, row, i, name))
                x += itemWidth
            }
        }
        let legendRows = legend.isEmpty ? 0 : (legend.map(\.row).max() ?? 0) + 1
        let titleHeight = titleHeight(width: w)
        let top = pad + titleHeight + Double(legendRows) * 18 + 8
        let yLabelWidth = (yAxis.ticks.map { Self.textWidth($0.label) }.max() ?? 0)
        let left = pad + (plot.y.title.isEmpty ? 0 : 20) + yLabelWidth + 10
        let right = w - pad - max(6, (xAxis.ticks.last.map { Self.textWidth($0.label) } ?? 0) / 2)
        let bottom = h - pad - 20 - (plot.x.title.isEmpty ? 0 : 18)
        func px(_ v: Double) -> Double { left + xAxis.fraction(v) * (right - left) }
        func py(_ v: Double) -> Double { bottom - yAxis.fraction(v) * (bottom - top) }
        let n = Self.number
        let ink = ChartPalette.ink.hex, muted = "#4d5761", grid = "#e3e7eb"

        var out = header(kind: "line", width: w, height: h)
        out.append(
            "<defs><clipPath id=\"\(idPrefix)-clip\"><rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" "
                + "height=\"\(n(bottom - top))\"/></clipPath></defs>")
        if let title = titleText(width: w) { out.append(title) }

        // Grid and axes.
        var gridLines = xAxis.ticks.map { "M\(n(px($0.value))) \(n(top))V\(n(bottom))" }
        gridLines += yAxis.ticks.map { "M\(n(left)) \(n(py($0.value)))H\(n(right))" }
        out.append("<path class=\"grid\" d=\"\(gridLines.joined())\" fill=\"none\" stroke=\"\(grid)\" stroke-width=\"1\"/>")
        out.append("<g class=\"axis axis-x\">")
        var xTicks = xAxis.ticks.map { "M\(n(px($0.value))) \(n(bottom))v5" }
        xTicks += xAxis.minor.map { "M\(n(px($0))) \(n(bottom))v3" }
        out.append("<path class=\"tick\" d=\"\(xTicks.joined())\" stroke=\"\(muted)\" stroke-width=\"1\"/>")
        for t in xAxis.ticks {
            out.append(
                "<text class=\"tick-label\" x=\"\(n(px(t.value)))\" y=\"\(n(bottom + 18))\" text-anchor=\"middle\" fill=\"\(muted)\">"
                    + "\(HTMLText.escape(t.label))</text>")
        }
        if !plot.x.title.isEmpty {
            out.append(
                "<text class=\"axis-title\" x=\"\(n((left + right) / 2))\" y=\"\(n(bottom + 36))\" text-anchor=\"middle\" fill=\"\(ink)\">"
                    + "\(HTMLText.escape(plot.x.title))</text>")
        }
        out.append("</g>")
        out.append("<g class=\"axis axis-y\">")
        var yTicks = yAxis.ticks.map { "M\(n(left)) \(n(py($0.value)))h-5" }
        yTicks += yAxis.minor.map { "M\(n(left)) \(n(py($0)))h-3" }
        out.append("<path class=\"tick\" d=\"\(yTicks.joined())\" stroke=\"\(muted)\" stroke-width=\"1\"/>")
        for t in yAxis.ticks {
            out.append(
                "<text class=\"tick-label\" x=\"\(n(left - 8))\" y=\"\(n(py(t.value) + 4))\" text-anchor=\"end\" fill=\"\(muted)\">"
                    + "\(HTMLText.escape(t.label))</text>")
        }
        if !plot.y.title.isEmpty {
            let x = pad + 10, y = (top + bottom) / 2
            out.append(
                "<text class=\"axis-title\" x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"middle\" transform=\"rotate(-90 \(n(x)) \(n(y)))\" "
                    + "fill=\"\(ink)\">\(HTMLText.escape(plot.y.title))</text>")
        }
        out.append("</g>")
        out.append(
            "<path class=\"axis-line\" d=\"M\(n(left)) \(n(top))V\(n(bottom))H\(n(right))\" fill=\"none\" stroke=\"\(muted)\" stroke-width=\"1\"/>")

        // Series: a path per series, broken where a point cannot be drawn; lone points as dots.
        for (i, series) in plot.series.enumerated() {
            var runs: [[(Double, Double)]] = [[]]
            for p in series.points {
                if plot.drawable(p) {
                    runs[runs.count - 1].append((px(p.x), py(p.y)))
                } else if !(runs.last?.isEmpty ?? true) {
                    runs.append([])
                }
            }
            let color = ChartPalette.color(i).hex
            let dash = ChartPalette.dash(i)
            var d = ""
            var dots: [String] = []
            for run in runs where !run.isEmpty {
                if run.count == 1 {
                    dots.append("<circle cx=\"\(n(run[0].0))\" cy=\"\(n(run[0].1))\" r=\"3\" fill=\"\(color)\"/>")
                } else {
                    d += Self.thinned(run).enumerated().map { k, q in "\(k == 0 ? "M" : "L")\(n(q.0)) \(n(q.1))" }.joined()
                }
            }
            guard !d.isEmpty || !dots.isEmpty else { continue }
            var group = "<g class=\"series series-\(i)\" clip-path=\"url(#\(idPrefix)-clip)\">"
            if !d.isEmpty {
                group +=
                    "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\""
                    + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
            }
            out.append(group + dots.joined() + "</g>")
        }

        // Markers: a dashed vertical line, a dot where y is given, the label at the top.
        var labelRow = 0
        for marker in plot.markers where xAxis.contains(marker.x) {
            let x = px(marker.x)
            var group = "<g class=\"marker\"><path d=\"M\(n(x)) \(n(top))V\(n(bottom))\" stroke=\"\(ChartPalette.marker.hex)\" stroke-width=\"1.2\" "
            group += "stroke-dasharray=\"4 3\"/>"
            if let y = marker.y, yAxis.contains(y) {
                group += "<circle cx=\"\(n(x))\" cy=\"\(n(py(y)))\" r=\"5\" fill=\"\(ChartPalette.marker.hex)\"/>"
            }
            let onRight = x > left + 0.65 * (right - left)
            let ly = top + 14 + Double(labelRow) * 15
            group +=
                "<text class=\"marker-label\" x=\"\(n(onRight ? x - 5 : x + 5))\" y=\"\(n(ly))\" text-anchor=\"\(onRight ? "end" : "start")\" "
                + "fill=\"\(ChartPalette.marker.hex)\">\(HTMLText.escape(marker.label))</text></g>"
            out.append(group)
            labelRow += 1
        }

        if !legend.isEmpty {
            out.append("<g class=\"legend\">")
            for item in legend {
                let y = pad + titleHeight + 10 + Double(item.row) * 18
                let dash = ChartPalette.dash(item.index)
                out.append(
                    "<g class=\"legend-item series-\(item.index)\"><path d=\"M\(n(item.x)) \(n(y))h24\" stroke=\"\(ChartPalette.color(item.index).hex)\" "
                        + "stroke-width=\"2\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
                        + "<text x=\"\(n(item.x + 30))\" y=\"\(n(y + 4))\" fill=\"\(ink)\">\(HTMLText.escape(item.name))</text></g>")
            }
            out.append("</g>")
        }
        if points.isEmpty {
            out.append(
                "<text class=\"no-data\" x=\"\(n((left + right) / 2))\" y=\"\(n((top + bottom) / 2))\" text-anchor=\"middle\" fill=\"\(muted)\">"
                    + "no data to draw</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    /// A long run (every batch's loss over several epochs) cut to at most four points per pixel
    /// column — the first, the lowest, the highest and the last, in their order — which draws the
    /// same line with a path a fraction of the size. Short runs are returned as they are.
    static func thinned(_ run: [(Double, Double)]) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        var start = 0
        while start < run.count {
            let column = run[start].0.rounded(.down)
            var end = start + 1
            while end < run.count && run[end].0.rounded(.down) == column { end += 1 }
            if end - start <= 4 {
                out += run[start..<end]
            } else {
                let slice = run[start..<end]
                let low = slice.indices.min { run[$0].1 < run[$1].1 } ?? start
                let high = slice.indices.max { run[$0].1 < run[$1].1 } ?? start
                for k in Set([start, low, high, end - 1]).sorted() { out.append(run[k]) }
            }
            start = end
        }
        return out
    }
}
