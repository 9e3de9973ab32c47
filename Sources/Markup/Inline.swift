/// A piece of inline Markdown: text and the spans that decorate it.
///
/// Inlines carry no source positions; the block that holds them does.
public indirect enum Inline: Hashable, Sendable {
    /// Literal text, with backslash escapes and entities already resolved.
    case text(String)
    /// A code span; the string is the code exactly as it will be shown.
    case code(String)
    /// Emphasis (`*x*`), usually italic.
    case emphasis([Inline])
    /// Strong emphasis (`**x**`), usually bold.
    case strong([Inline])
    /// A link; `title` is empty when the source gave none.
    case link(destination: String, title: String, children: [Inline])
    /// An image; `alt` is its description, `title` is empty when the source gave none.
    case image(source: String, title: String, alt: [Inline])
    /// A line ending inside a paragraph, shown as a space.
    case softBreak
    /// A hard line break (two trailing spaces or a backslash before the line ending).
    case lineBreak
    /// Raw inline HTML such as `<kbd>`, exactly as written.
    case html(String)
}

extension Inline {
    /// The text a reader sees, without any markup.
    ///
    /// Code spans give their code, images their alt text, soft breaks a space, hard breaks a
    /// newline, and raw HTML nothing.
    public var plainText: String {
        var result = ""
        appendPlainText(to: &result)
        return result
    }

    /// The inlines directly inside this one (empty for leaves).
    public var children: [Inline] {
        switch self {
        case .emphasis(let children), .strong(let children), .link(_, _, let children):
            return children
        case .image(_, _, let alt):
            return alt
        case .text, .code, .softBreak, .lineBreak, .html:
            return []
        }
    }

    func appendPlainText(to result: inout String) {
        switch self {
        case .text(let text), .code(let text):
            result += text
        case .softBreak:
            result += " "
        case .lineBreak:
            result += "\n"
        case .html:
            break
        case .emphasis, .strong, .link, .image:
            for child in children { child.appendPlainText(to: &result) }
        }
    }
}

extension Array where Element == Inline {
    /// The text a reader sees, without any markup (see ``Inline/plainText``).
    public var plainText: String {
        var result = ""
        for inline in self { inline.appendPlainText(to: &result) }
        return result
    }
}
