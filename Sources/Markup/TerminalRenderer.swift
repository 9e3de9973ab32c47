/// Renders a ``Document`` as text for a terminal, with or without ANSI colours.
///
/// Paragraphs are filled to ``width`` (code spans never break, escape codes never count);
/// headings are bold and coloured, or underlined with `=`/`-` in plain mode; code blocks are
/// indented four spaces; lists use `•` (colour) or `-` (plain) and numbers; quotes get a `│ `
/// bar; tables become aligned columns. Raw HTML is dropped. The output is deterministic and
/// ends with a newline (empty for an empty document).
public struct TerminalRenderer: Sendable {
    /// Whether to emit ANSI escape codes.
    public var color: Bool
    /// The widest a paragraph line may be (tables and code may be wider).
    public var width: Int

    /// Creates a renderer for a terminal `width` columns wide.
    public init(color: Bool, width: Int = 80) {
        self.color = color
        self.width = width
    }

    /// The text for a whole document.
    public func render(_ document: Document) -> String {
        let lines = renderBlocks(document.blocks, width: width, tight: false, listDepth: 0)
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// The text for inline content alone, filled to ``width``, without a final newline.
    public func render(_ inlines: [Inline]) -> String {
        wrap(inlines, style: .plain, width: width).map { $0.rendered(color: color) }
            .joined(separator: "\n")
    }

    // MARK: - Blocks

    /// Lines for a run of blocks, a blank line between blocks unless `tight`.
    func renderBlocks(_ blocks: [Block], width: Int, tight: Bool, listDepth: Int) -> [String] {
        var lines: [String] = []
        for block in blocks {
            let blockLines = renderBlock(block, width: width, listDepth: listDepth)
            guard !blockLines.isEmpty else { continue }
            if !lines.isEmpty && !tight { lines.append("") }
            lines += blockLines
        }
        return lines
    }

    private func renderBlock(_ block: Block, width: Int, listDepth: Int) -> [String] {
        switch block.kind {
        case .paragraph(let inlines):
            return wrap(inlines, style: .plain, width: width).map { $0.rendered(color: color) }
        case .heading(let level, let inlines):
            return renderHeading(level: level, inlines, width: width)
        case .codeBlock(_, let literal, _):
            var codeLines = literal.split(separator: "\n", omittingEmptySubsequences: false)
            if codeLines.last?.isEmpty == true { codeLines.removeLast() }
            return codeLines.map { line in
                line.isEmpty ? "" : "    " + StyledLine(String(line), style: Self.codeStyle).rendered(color: color)
            }
        case .htmlBlock:
            return []
        case .blockQuote(let blocks):
            let bar = StyledLine("│", style: TerminalStyle(dim: true)).rendered(color: color)
            return renderBlocks(blocks, width: width - 2, tight: false, listDepth: listDepth).map {
                $0.isEmpty ? bar : bar + " " + $0
            }
        case .list(let ordered, let start, let tight, let items):
            return renderList(
                ordered: ordered, start: start, tight: tight, items: items, width: width, depth: listDepth)
        case .thematicBreak:
            let rule = String(repeating: "─", count: max(width, 1))
            return [StyledLine(rule, style: TerminalStyle(dim: true)).rendered(color: color)]
        case .table(let alignments, let header, let rows):
            return renderTable(alignments: alignments, header: header, rows: rows)
        }
    }

    private func renderHeading(level: Int, _ inlines: [Inline], width: Int) -> [String] {
        var style = TerminalStyle(bold: true)
        if level <= 2 { style.color = .magenta }
        if level == 1 { style.underline = true }
        let lines = wrap(inlines, style: style, width: width)
        guard !lines.isEmpty else { return [] }
        var rendered = lines.map { $0.rendered(color: color) }
        if !color {
            let underline = level == 1 ? "=" : "-"
            rendered.append(String(repeating: underline, count: lines.map(\.width).max() ?? 0))
        }
        return rendered
    }

    private func renderList(
        ordered: Bool, start: Int, tight: Bool, items: [[Block]], width: Int, depth: Int
    ) -> [String] {
        let bullets = color ? ["•", "◦", "▪"] : ["-"]
        let lastNumber = start + max(items.count - 1, 0)
        let numberWidth = String(lastNumber).count
        var lines: [String] = []
        for (index, item) in items.enumerated() {
            var marker: String
            if ordered {
                let number = String(start + index)
                marker = String(repeating: " ", count: numberWidth - number.count) + number + "."
            } else {
                marker = bullets[depth % bullets.count]
            }
            let indent = String(repeating: " ", count: marker.count + 1)
            let itemLines = renderBlocks(item, width: width - indent.count, tight: tight, listDepth: depth + 1)
            if !lines.isEmpty && !tight { lines.append("") }
            guard let first = itemLines.first else {
                lines.append(marker)
                continue
            }
            lines.append(first.isEmpty ? marker : marker + " " + first)
            lines += itemLines.dropFirst().map { $0.isEmpty ? "" : indent + $0 }
        }
        return lines
    }

    static let codeStyle = TerminalStyle(color: .cyan)
}
