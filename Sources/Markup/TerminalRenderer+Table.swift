extension TerminalRenderer {
    /// A table as padded columns two spaces apart, with a rule under the header.
    ///
    /// Column widths come from the visible text of the cells, so styled cells line up too.
    /// Tables are never wrapped; a table wider than the terminal stays wide.
    func renderTable(alignments: [Block.Alignment], header: [[Inline]], rows: [[[Inline]]]) -> [String] {
        let headerStyle = TerminalStyle(bold: true)
        let cells: [[StyledLine]] =
            [header.map { singleLine($0, style: headerStyle) }]
            + rows.map { row in row.map { singleLine($0, style: .plain) } }
        let columnCount = header.count
        var widths = Array(repeating: 1, count: columnCount)
        for row in cells {
            for (column, cell) in row.enumerated() where column < columnCount {
                widths[column] = max(widths[column], cell.width)
            }
        }

        func renderRow(_ row: [StyledLine]) -> String {
            var line = StyledLine()
            for column in 0..<columnCount {
                let cell = column < row.count ? row[column] : StyledLine()
                let room = widths[column] - cell.width
                let alignment = column < alignments.count ? alignments[column] : .none
                let left: Int
                switch alignment {
                case .right: left = room
                case .center: left = room / 2
                case .left, .none: left = 0
                }
                if column > 0 { line.append("  ", style: .plain) }
                line.append(String(repeating: " ", count: left), style: .plain)
                line.append(cell)
                // No padding after the last column: lines never end in spaces.
                if column < columnCount - 1 {
                    line.append(String(repeating: " ", count: room - left), style: .plain)
                }
            }
            var rendered = line.rendered(color: color)
            while rendered.hasSuffix(" ") { rendered.removeLast() }
            return rendered
        }

        let rule = StyledLine(
            widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "),
            style: TerminalStyle(dim: true))
        return [renderRow(cells[0]), rule.rendered(color: color)] + cells.dropFirst().map(renderRow)
    }
}
