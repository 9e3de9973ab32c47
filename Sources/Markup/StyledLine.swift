/// One line of terminal output as styled fragments, which knows its visible width.
///
/// Width is counted from the text alone, so escape codes never count; wide characters (CJK,
/// emoji) count two columns and combining marks none.
struct StyledLine: Sendable {
    private(set) var fragments: [(text: String, style: TerminalStyle)] = []
    /// Columns the line takes on screen.
    private(set) var width = 0

    init() {}

    init(_ text: String, style: TerminalStyle = .plain) {
        append(text, style: style)
    }

    var isEmpty: Bool { fragments.isEmpty }

    mutating func append(_ text: String, style: TerminalStyle) {
        guard !text.isEmpty else { return }
        width += DisplayWidth.of(text)
        if let last = fragments.last, last.style == style {
            fragments[fragments.count - 1].text += text
        } else {
            fragments.append((text, style))
        }
    }

    mutating func append(_ line: StyledLine) {
        for fragment in line.fragments { append(fragment.text, style: fragment.style) }
    }

    /// The text, with escape codes around styled runs when `color` is on. Every line ends with
    /// all attributes off, so lines can be prefixed, indented and reordered freely.
    func rendered(color: Bool) -> String {
        guard color else { return fragments.map(\.text).joined() }
        var result = ""
        var current = TerminalStyle.plain
        for (text, style) in fragments {
            if style != current {
                if current != .plain { result += TerminalStyle.resetCode }
                result += style.escapeCode
                current = style
            }
            result += text
        }
        if current != .plain { result += TerminalStyle.resetCode }
        return result
    }
}

/// How many terminal columns text takes.
enum DisplayWidth {
    /// The width of `text`: the sum of its characters' widths.
    static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// 0 for control characters and lone combining marks, 2 for East Asian wide characters
    /// and emoji, 1 otherwise.
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let value = first.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isWide(value) || first.properties.isEmojiPresentation { return 2 }
        if first.properties.isEmoji && character.unicodeScalars.contains("\u{FE0F}") { return 2 }
        return 1
    }

    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
