/// Fills styled inline text into lines no wider than a limit.
///
/// Text breaks only at whitespace outside code spans; runs of whitespace become one space,
/// and a space at a line break disappears. A word wider than the limit gets a line of its
/// own rather than being cut.
struct TextWrapper {
    /// A piece of inline content, already styled.
    enum Piece {
        /// Text that may break at its whitespace.
        case text(String, TerminalStyle)
        /// Text that must stay on one line (code spans, URLs).
        case unbreakable(String, TerminalStyle)
        /// A forced line break.
        case lineBreak
    }

    /// The widest a line may be.
    var width: Int

    func wrap(_ pieces: [Piece]) -> [StyledLine] {
        var lines: [StyledLine] = []
        var line = StyledLine()
        var word = StyledLine()
        // The style of the whitespace before the word being collected, nil at a line start.
        var gap: TerminalStyle?
        var pendingGap: TerminalStyle?

        func finishWord() {
            guard !word.isEmpty else { return }
            if line.isEmpty {
                line = word
            } else if line.width + 1 + word.width <= width {
                line.append(" ", style: gap ?? .plain)
                line.append(word)
            } else {
                lines.append(line)
                line = word
            }
            word = StyledLine()
        }

        func add(_ character: Character, style: TerminalStyle) {
            if word.isEmpty {
                gap = pendingGap
                pendingGap = nil
            }
            word.append(String(character), style: style)
        }

        for piece in pieces {
            switch piece {
            case .text(let text, let style):
                for character in text {
                    if character == " " || character == "\t" || character.isNewline {
                        finishWord()
                        if pendingGap == nil { pendingGap = style }
                    } else {
                        add(character, style: style)
                    }
                }
            case .unbreakable(let text, let style):
                for character in text {
                    add(character.isNewline ? " " : character, style: style)
                }
            case .lineBreak:
                finishWord()
                lines.append(line)
                line = StyledLine()
                pendingGap = nil
            }
        }
        finishWord()
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
