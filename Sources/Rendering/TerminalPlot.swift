import Foundation

/// A line chart drawn with characters, for a terminal: points (`•`) on a grid with the y range on
/// the left and the x range below. `logX` spaces x by its logarithm (learning rates).
public enum TerminalPlot {
    /// The chart's lines; empty when there is nothing finite to draw.
    public static func lines(
        x: [Double], y: [Double], width: Int = 60, height: Int = 14, logX: Bool = false, xLabel: String = "", yLabel: String = ""
    )
        -> [String]
    {
        let points = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite && (!logX || $0.0 > 0) }.map { (logX ? log10($0.0) : $0.0, $0.1) }
        guard !points.isEmpty, width >= 2, height >= 2 else { return [] }
        let (x0, x1) = (points.map(\.0).min()!, points.map(\.0).max()!)
        let (y0, y1) = (points.map(\.1).min()!, points.map(\.1).max()!)
        var grid = [[Character]](repeating: [Character](repeating: " ", count: width), count: height)
        for (px, py) in points {
            let c = x1 > x0 ? Int(((px - x0) / (x1 - x0) * Double(width - 1)).rounded()) : 0
            let r = y1 > y0 ? Int(((y1 - py) / (y1 - y0) * Double(height - 1)).rounded()) : height / 2
            grid[r][c] = "•"
        }
        let top = format(y1), bottom = format(y0)
        let margin = max(top.count, bottom.count)
        var out: [String] = []
        if !yLabel.isEmpty { out.append(String(repeating: " ", count: margin) + "  " + yLabel) }
        for (r, row) in grid.enumerated() {
            let label = r == 0 ? top : r == height - 1 ? bottom : ""
            out.append(String(repeating: " ", count: margin - label.count) + label + " │" + String(row))
        }
        out.append(String(repeating: " ", count: margin) + " └" + String(repeating: "─", count: width))
        let left = logX ? format(pow(10, x0)) : format(x0), right = logX ? format(pow(10, x1)) : format(x1)
        let gap = max(1, width - left.count - right.count)
        out.append(String(repeating: " ", count: margin + 2) + left + String(repeating: " ", count: gap) + right)
        if !xLabel.isEmpty { out.append(String(repeating: " ", count: margin + 2) + xLabel) }
        return out
    }

    /// Three significant digits, in E notation for very small or large values (`1.20E-07`).
    static func format(_ v: Double) -> String {
        let a = abs(v)
        return a != 0 && (a < 1e-2 || a >= 1e4) ? String(format: "%.2E", v) : String(format: "%.3g", v)
    }
}
