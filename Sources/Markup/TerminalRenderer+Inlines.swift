extension TerminalRenderer {
    /// Inline content filled into lines at most `width` wide (never less than 10).
    func wrap(_ inlines: [Inline], style: TerminalStyle, width: Int) -> [StyledLine] {
        TextWrapper(width: max(width, 10)).wrap(pieces(inlines, style: style))
    }

    /// Inline content on one line, whatever its width (for table cells).
    func singleLine(_ inlines: [Inline], style: TerminalStyle) -> StyledLine {
        var line = StyledLine()
        for (index, part) in TextWrapper(width: .max).wrap(pieces(inlines, style: style)).enumerated() {
            if index > 0 { line.append(" ", style: style) }
            line.append(part)
        }
        return line
    }

    /// Styled pieces for inline content; `style` is the style around it.
    func pieces(_ inlines: [Inline], style: TerminalStyle) -> [TextWrapper.Piece] {
        var pieces: [TextWrapper.Piece] = []
        for inline in inlines { appendPieces(inline, style: style, to: &pieces) }
        return pieces
    }

    private func appendPieces(_ inline: Inline, style: TerminalStyle, to pieces: inout [TextWrapper.Piece]) {
        switch inline {
        case .text(let text):
            pieces.append(.text(text, style))
        case .code(let code):
            pieces.append(.unbreakable(code, style.merging(Self.codeStyle)))
        case .emphasis(let children):
            let italic = style.merging(TerminalStyle(italic: true))
            for child in children { appendPieces(child, style: italic, to: &pieces) }
        case .strong(let children):
            let bold = style.merging(TerminalStyle(bold: true))
            for child in children { appendPieces(child, style: bold, to: &pieces) }
        case .link(let destination, _, let children):
            let linkStyle = style.merging(TerminalStyle(underline: true, color: .blue))
            for child in children { appendPieces(child, style: linkStyle, to: &pieces) }
            let text = children.plainText
            if !destination.isEmpty && destination != text && destination != "mailto:" + text {
                pieces.append(.text(" ", style))
                pieces.append(.unbreakable("(\(destination))", style.merging(TerminalStyle(dim: true))))
            }
        case .image(let source, _, let alt):
            let imageStyle = style.merging(TerminalStyle(dim: true))
            pieces.append(.text("[image: ", imageStyle))
            for child in alt { appendPieces(child, style: imageStyle, to: &pieces) }
            pieces.append(.text("]", imageStyle))
            if !source.isEmpty {
                pieces.append(.text(" ", style))
                pieces.append(.unbreakable("(\(source))", imageStyle))
            }
        case .softBreak:
            pieces.append(.text(" ", style))
        case .lineBreak:
            pieces.append(.lineBreak)
        case .html:
            break
        }
    }
}
