import Foundation

extension Chart {
    /// A short text alternative computed from the data, for `<desc>`, alt text and screen readers:
    /// `smoothed loss: 97 points, learning rate from 1.0e-07 to 10, minimum 0.42 at learning rate 3.0e-03, last 1.9.`
    public var altText: String {
        switch content {
        case .line(let plot): Self.describe(plot)
        case .heatMap(let map): Self.describe(map)
        }
    }

    static func describe(_ plot: LinePlot) -> String {
        let xName = plot.x.title.isEmpty ? "x" : plot.x.title
        let yName = plot.y.title.isEmpty ? "y" : plot.y.title
        func scaled(_ axis: Axis) -> String { axis.scale == .log10 ? " (log scale)" : "" }
        var sentences = ["Line chart of \(yName)\(scaled(plot.y)) against \(xName)\(scaled(plot.x))."]
        if plot.series.isEmpty { sentences.append("No data.") }
        for (i, series) in plot.series.enumerated() {
            let name = series.name.isEmpty ? "Series \(i + 1)" : series.name
            let points = series.points.filter(plot.drawable)
            let skipped = series.points.count - points.count
            let note = skipped > 0 ? " (\(skipped) not drawable, skipped)" : ""
            guard let first = points.first, let last = points.last else {
                sentences.append("\(name): no points\(note).")
                continue
            }
            if points.count == 1 {
                sentences.append("\(name): 1 point, \(yName) \(ChartNumber.short(first.y)) at \(xName) \(ChartNumber.short(first.x))\(note).")
                continue
            }
            let lowest = points.min { $0.y < $1.y } ?? first
            let xs = points.map(\.x)
            let from = xs.min() ?? first.x, to = xs.max() ?? last.x
            sentences.append(
                "\(name): \(points.count) points\(note), \(xName) from \(ChartNumber.short(from)) to \(ChartNumber.short(to)), "
                    + "minimum \(ChartNumber.short(lowest.y)) at \(xName) \(ChartNumber.short(lowest.x)), last \(ChartNumber.short(last.y)).")
        }
        for marker in plot.markers {
            let at = marker.y.map { ", \(yName) \(ChartNumber.short($0))" } ?? ""
            sentences.append("Marked: \(marker.label) at \(xName) \(ChartNumber.short(marker.x))\(at).")
        }
        return sentences.joined(separator: " ")
    }

    static func describe(_ map: HeatMap) -> String {
        let rows = map.rowCount, columns = map.columnCount
        guard rows > 0, columns > 0 else { return "Heat map with no cells." }
        var total = 0, diagonal = 0
        var largest: (count: Int, row: Int, column: Int)?
        for r in 0..<rows {
            for c in 0..<columns {
                let n = map.count(r, c)
                total = Self.saturatingSum(total, n)
                if r == c {
                    diagonal = Self.saturatingSum(diagonal, n)
                } else if n > 0, n > (largest?.count ?? 0) {
                    largest = (n, r, c)
                }
            }
        }
        var text = "Heat map of counts, \(rows) rows (\(map.rowTitle)) × \(columns) columns (\(map.columnTitle)), \(total) in all"
        if rows == columns {
            let share = total > 0 ? String(format: " (%.1f%%)", 100 * Double(diagonal) / Double(total)) : ""
            text += "; \(diagonal) on the diagonal\(share)"
            if let largest {
                text +=
                    "; largest off the diagonal: \(largest.count) at \(map.rowTitle) \(map.rowLabel(largest.row)), "
                    + "\(map.columnTitle) \(map.columnLabel(largest.column))"
            } else {
                text += "; none off the diagonal"
            }
        }
        return text + "."
    }

    /// `a + b`, held at `Int.max`/`Int.min` instead of trapping (counts read from an edited record).
    static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : sum
    }
}
