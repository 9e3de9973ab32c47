import Foundation
import LessonKit

extension SVGChart {
    /// fastai's `plot_confusion_matrix` as SVG: a cell per count, coloured on `Blues` from 0 to the
    /// largest count, the count written in it (white on dark cells); row labels on the left, column
    /// labels slanted below, a colour scale on the right.
    func heatMapSVG(_ map: Chart.HeatMap) -> String {
        let rows = map.rowCount, columns = map.columnCount
        let pad = Self.pad, n = Self.number
        let ink = ChartPalette.ink.hex, muted = "#4d5761"
        let cell = Double(max(20, min(48, 360 / max(1, max(rows, columns)))))
        let rowLabelWidth = ((0..<rows).map { Self.textWidth(map.rowLabel($0)) }.max() ?? 0) + 8
        let columnLabelDrop = ((0..<columns).map { Self.textWidth(map.columnLabel($0)) }.max() ?? 0) * 0.71 + 14
        let x0 = pad + 22 + rowLabelWidth
        let gridW = Double(columns) * cell, gridH = Double(rows) * cell
        let maximum = map.maximum
        let scaleX = x0 + gridW + 18
        let scaleLabelWidth = Self.textWidth(String(maximum))
        // As wide as the matrix and its scale, or as a one-line title up to 560 px (longer ones wrap).
        let titleWidth = showsTitle && !chart.title.isEmpty ? min(560, Double(chart.title.count) * Self.titleCharWidth + 2 * pad) : 0
        let width = max(scaleX + 12 + 6 + scaleLabelWidth + pad, titleWidth).rounded(.up)
        let y0 = pad + titleHeight(width: width) + 10
        let columnTitleY = y0 + gridH + columnLabelDrop + 14
        let height = columnTitleY + pad

        var out = header(kind: "heatmap", width: width, height: height.rounded(.up))
        out.append(
            "<defs><linearGradient id=\"\(idPrefix)-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
                + ChartPalette.blues.enumerated().map { i, c in
                    "<stop offset=\"\(n(Double(i) / Double(ChartPalette.blues.count - 1) * 100))%\" stop-color=\"\(c.hex)\"/>"
                }.joined() + "</linearGradient></defs>")
        if let title = titleText(width: width) { out.append(title) }

        let fontSize = Int(min(12, cell * 0.42))
        out.append("<g class=\"cells\">")
        for r in 0..<rows {
            for c in 0..<columns {
                let count = map.count(r, c)
                let fill = ChartPalette.heat(count, maximum: maximum)
                let text = ChartPalette.text(on: fill)
                let x = x0 + Double(c) * cell, y = y0 + Double(r) * cell
                let name = "\(map.rowTitle) \(map.rowLabel(r)), \(map.columnTitle) \(map.columnLabel(c)): \(count)"
                out.append(
                    "<g class=\"cell\(r == c ? " diagonal" : "")\"><title>\(HTMLText.escape(name))</title>"
                        + "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cell))\" height=\"\(n(cell))\" fill=\"\(fill.hex)\" stroke=\"#ffffff\" stroke-width=\"1\"/>"
                        + "<text class=\"count\(text == ChartPalette.white ? " on-dark" : "")\" x=\"\(n(x + cell / 2))\" y=\"\(n(y + cell / 2 + Double(fontSize) * 0.35))\" "
                        + "text-anchor=\"middle\" font-size=\"\(fontSize)\" fill=\"\(text.hex)\">\(count)</text></g>")
            }
        }
        out.append("</g>")

        out.append("<g class=\"axis axis-rows\">")
        for r in 0..<rows {
            out.append(
                "<text class=\"tick-label\" x=\"\(n(x0 - 6))\" y=\"\(n(y0 + (Double(r) + 0.5) * cell + 4))\" text-anchor=\"end\" fill=\"\(ink)\">"
                    + "\(HTMLText.escape(map.rowLabel(r)))</text>")
        }
        let rowTitleX = pad + 10, rowTitleY = y0 + gridH / 2
        out.append(
            "<text class=\"axis-title\" x=\"\(n(rowTitleX))\" y=\"\(n(rowTitleY))\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 \(n(rowTitleX)) \(n(rowTitleY)))\" font-weight=\"600\" fill=\"\(ink)\">\(HTMLText.escape(map.rowTitle))</text>"
        )
        out.append("</g>")
        out.append("<g class=\"axis axis-columns\">")
        for c in 0..<columns {
            let x = x0 + (Double(c) + 0.5) * cell, y = y0 + gridH + 10
            out.append(
                "<text class=\"tick-label\" x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"end\" transform=\"rotate(-45 \(n(x)) \(n(y)))\" "
                    + "fill=\"\(ink)\">\(HTMLText.escape(map.columnLabel(c)))</text>")
        }
        out.append(
            "<text class=\"axis-title\" x=\"\(n(x0 + gridW / 2))\" y=\"\(n(columnTitleY))\" text-anchor=\"middle\" font-weight=\"600\" "
                + "fill=\"\(ink)\">\(HTMLText.escape(map.columnTitle))</text>")
        out.append("</g>")

        if rows > 0 && columns > 0 {
            out.append(
                "<g class=\"color-scale\"><rect x=\"\(n(scaleX))\" y=\"\(n(y0))\" width=\"12\" height=\"\(n(gridH))\" "
                    + "fill=\"url(#\(idPrefix)-scale)\" stroke=\"\(muted)\" stroke-width=\"0.5\"/>"
                    + "<text class=\"tick-label\" x=\"\(n(scaleX + 18))\" y=\"\(n(y0 + 9))\" fill=\"\(muted)\">\(maximum)</text>"
                    + "<text class=\"tick-label\" x=\"\(n(scaleX + 18))\" y=\"\(n(y0 + gridH))\" fill=\"\(muted)\">0</text></g>")
        } else {
            out.append(
                "<text class=\"no-data\" x=\"\(n(width / 2))\" y=\"\(n(y0 + 20))\" text-anchor=\"middle\" fill=\"\(muted)\">no data to draw</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}
