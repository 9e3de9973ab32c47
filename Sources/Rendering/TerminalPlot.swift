import Foundation
import LessonKit

/// A `Chart` drawn with characters, for a terminal.
///
/// A line chart is a grid of `width` × `height` cells: each series in its own glyph (`•`, `+`,
/// `×`, …; consecutive points joined column by column), markers as a dotted column `┊` with a `◆`
/// at their y, ticks from `ChartTicks` (`10⁻⁵` on a log axis) on the left and below, and a
/// legend line. A heat map is a table of counts (`TerminalPlot+HeatMap`). With `color`, glyphs
/// get the SVG's 24-bit colours and heat map cells their background; without it the output is
/// plain text. Every line ends with attributes reset.
public enum TerminalPlot {
    /// The chart's lines (no trailing newlines).
    public static func lines(_ chart: Chart, width: Int = 60, height: Int = 14, color: Bool = false) -> [String] {
        switch chart.content {
        case .line(let plot): lineChart(chart.title, plot, width: max(8, width), height: max(3, height), color: color)
        case .heatMap(let map): heatMap(chart.title, map, color: color)
        }
    }

    /// What a grid cell holds: nothing, a series' point, a marker's line or a marker's point.
    enum Ink: Equatable {
        case empty, series(Int), markerLine, markerPoint
    }

    static func lineChart(_ title: String, _ plot: Chart.LinePlot, width: Int, height: Int, color: Bool) -> [String] {
        var out: [String] = title.isEmpty ? [] : [title]
        let points = plot.series.flatMap { $0.points.filter(plot.drawable) }
        guard !points.isEmpty else { return out + ["(no data to draw)"] }
        let markerXs = plot.markers.map(\.x).filter { $0.isFinite && (plot.x.scale == .linear || $0 > 0) }
        let markerYs = plot.markers.compactMap(\.y).filter { $0.isFinite && (plot.y.scale == .linear || $0 > 0) }
        let xAxis = ChartTicks(scale: plot.x.scale, data: points.map(\.x) + markerXs, fixed: plot.x.range, target: max(2, width / 12))
        let yAxis = ChartTicks(scale: plot.y.scale, data: points.map(\.y) + markerYs, fixed: plot.y.range, target: max(2, height / 4))
        func column(_ v: Double) -> Int? {
            let f = xAxis.fraction(v)
            return f.isFinite && f >= -1e-9 && f <= 1 + 1e-9 ? Int((f * Double(width - 1)).rounded()) : nil
        }
        func row(_ v: Double) -> Int? {
            let f = yAxis.fraction(v)
            return f.isFinite && f >= -1e-9 && f <= 1 + 1e-9 ? Int(((1 - f) * Double(height - 1)).rounded()) : nil
        }

        var grid = [[Ink]](repeating: [Ink](repeating: .empty, count: width), count: height)
        for marker in plot.markers {
            guard let c = column(marker.x) else { continue }
            for r in 0..<height where grid[r][c] == .empty { grid[r][c] = .markerLine }
        }
        for (i, series) in plot.series.enumerated() {
            var previous: (c: Int, r: Int)?
            for p in series.points {
                guard plot.drawable(p), let c = column(p.x), let r = row(p.y) else {
                    previous = nil
                    continue
                }
                if let (c0, r0) = previous, abs(c - c0) > 1 {
                    let step = c > c0 ? 1 : -1
                    for k in stride(from: c0 + step, to: c, by: step) {
                        let rk = Int((Double(r0) + Double(r - r0) * Double(k - c0) / Double(c - c0)).rounded())
                        grid[rk][k] = .series(i)
                    }
                }
                grid[r][c] = .series(i)
                previous = (c, r)
            }
        }
        for marker in plot.markers {
            guard let c = column(marker.x), let y = marker.y, let r = row(y) else { continue }
            grid[r][c] = .markerPoint
        }

        var yLabels = [Int: String]()
        for t in yAxis.ticks { if let r = row(t.value), yLabels[r] == nil { yLabels[r] = t.label } }
        let margin = yLabels.values.map(\.count).max() ?? 0
        let pad = String(repeating: " ", count: margin)
        if !plot.y.title.isEmpty { out.append(pad + "  " + plot.y.title) }
        for r in 0..<height {
            let label = yLabels[r] ?? ""
            var line = String(repeating: " ", count: margin - label.count) + label + (yLabels[r] == nil ? " │" : " ┤")
            var run = "", runInk = Ink.empty
            func flush() {
                line += painted(run, runInk, color: color)
                run = ""
            }
            let used = (grid[r].lastIndex { $0 != .empty } ?? -1) + 1  // no trailing blanks
            for ink in grid[r].prefix(used) {
                if ink != runInk && !run.isEmpty { flush() }
                runInk = ink
                run.append(glyph(ink))
            }
            flush()
            out.append(line)
        }

        var xTickColumns = Set<Int>()
        var labelLine = [Character](repeating: " ", count: width + 12)
        var lastEnd = -1
        for t in xAxis.ticks {
            guard let c = column(t.value) else { continue }
            xTickColumns.insert(c)
            let chars = Array(t.label)
            let start = max(0, c - chars.count / 2)
            guard start > lastEnd, start + chars.count <= labelLine.count else { continue }
            for (k, ch) in chars.enumerated() { labelLine[start + k] = ch }
            lastEnd = start + chars.count
        }
        out.append(pad + " └" + String((0..<width).map { xTickColumns.contains($0) ? "┬" : "─" }))
        out.append(pad + "  " + String(labelLine).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        if !plot.x.title.isEmpty { out.append(pad + "  " + plot.x.title) }

        var legend: [String] = []
        if plot.series.count > 1 {
            for (i, s) in plot.series.enumerated() {
                legend.append(painted(String(ChartPalette.glyph(i)), .series(i), color: color) + " " + (s.name.isEmpty ? "series \(i + 1)" : s.name))
            }
        }
        for marker in plot.markers where column(marker.x) != nil {
            legend.append(painted(marker.y == nil ? "┊" : "◆", .markerPoint, color: color) + " " + marker.label)
        }
        if !legend.isEmpty { out.append(pad + "  " + legend.joined(separator: "   ")) }
        return out
    }

    static func glyph(_ ink: Ink) -> Character {
        switch ink {
        case .empty: " "
        case .series(let i): ChartPalette.glyph(i)
        case .markerLine: "┊"
        case .markerPoint: "◆"
        }
    }

    /// `text` in the colour of `ink` (24-bit foreground), or as it is without colour.
    static func painted(_ text: String, _ ink: Ink, color: Bool) -> String {
        guard color, !text.isEmpty else { return text }
        let rgb: ChartPalette.RGB
        switch ink {
        case .empty: return text
        case .series(let i): rgb = ChartPalette.color(i)
        case .markerLine, .markerPoint: rgb = ChartPalette.marker
        }
        return "\u{1B}[38;2;\(rgb.r);\(rgb.g);\(rgb.b)m" + text + "\u{1B}[0m"
    }
}
