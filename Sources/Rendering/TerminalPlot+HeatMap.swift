import LessonKit

extension TerminalPlot {
    /// A heat map as a table of counts. Columns are headed by their labels when these are short
    /// (at most 6 characters), otherwise by their index, with the index in front of each row
    /// label (and a key line when the columns' labels differ from the rows'). With `color` each
    /// cell gets its `Blues` background and a contrasting text colour.
    static func heatMap(_ title: String, _ map: Chart.HeatMap, color: Bool) -> [String] {
        var out: [String] = title.isEmpty ? [] : [title]
        let rows = map.rowCount, columns = map.columnCount
        guard rows > 0, columns > 0 else { return out + ["(no data to draw)"] }
        let columnLabels = (0..<columns).map(map.columnLabel)
        let short = columnLabels.allSatisfy { $0.count <= 6 }
        let headers = short ? columnLabels : (0..<columns).map(String.init)
        let rowNames = (0..<rows).map { short ? map.rowLabel($0) : "\($0) \(map.rowLabel($0))" }
        let rowTitle = map.rowTitle + " ↓"
        let labelWidth = max(rowTitle.count, rowNames.map(\.count).max() ?? 0)
        let maximum = map.maximum
        let cellWidth = max(String(maximum).count, headers.map(\.count).max() ?? 0) + 2
        func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        func padRight(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }

        out.append(String(repeating: " ", count: labelWidth + 1) + map.columnTitle + " →")
        out.append(padRight(rowTitle, labelWidth) + " " + headers.map { padLeft($0, cellWidth - 1) }.joined(separator: " "))
        for r in 0..<rows {
            var line = padRight(rowNames[r], labelWidth) + " "
            for c in 0..<columns {
                let count = map.count(r, c)
                let text = padLeft(String(count), cellWidth - 1) + " "
                if color {
                    let bg = ChartPalette.heat(count, maximum: maximum), fg = ChartPalette.text(on: bg)
                    line += "\u{1B}[48;2;\(bg.r);\(bg.g);\(bg.b)m\u{1B}[38;2;\(fg.r);\(fg.g);\(fg.b)m" + text + "\u{1B}[0m"
                } else {
                    line += text
                }
            }
            out.append(color ? line : line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        if !short && columnLabels != (0..<rows).map(map.rowLabel) {
            out.append(map.columnTitle + ": " + columnLabels.enumerated().map { "\($0) \($1)" }.joined(separator: ", "))
        }
        return out
    }
}
