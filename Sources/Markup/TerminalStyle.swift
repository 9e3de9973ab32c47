/// Text attributes a terminal can show, turned into ANSI SGR escape codes.
struct TerminalStyle: Hashable, Sendable {
    /// The eight basic foreground colours used by the renderer.
    enum Color: Int, Sendable {
        case red = 31
        case green, yellow, blue, magenta, cyan
    }

    var bold = false
    var dim = false
    var italic = false
    var underline = false
    var color: Color?

    /// No attributes at all.
    static let plain = TerminalStyle()

    /// This style with `inner` on top: attributes add up, the inner colour wins.
    func merging(_ inner: TerminalStyle) -> TerminalStyle {
        TerminalStyle(
            bold: bold || inner.bold, dim: dim || inner.dim, italic: italic || inner.italic,
            underline: underline || inner.underline, color: inner.color ?? color)
    }

    /// The escape sequence that switches these attributes on (empty for ``plain``).
    var escapeCode: String {
        var codes: [String] = []
        if bold { codes.append("1") }
        if dim { codes.append("2") }
        if italic { codes.append("3") }
        if underline { codes.append("4") }
        if let color { codes.append(String(color.rawValue)) }
        return codes.isEmpty ? "" : "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    /// The escape sequence that switches every attribute off.
    static let resetCode = "\u{1B}[0m"
}
