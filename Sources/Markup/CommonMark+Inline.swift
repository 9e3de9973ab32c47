extension CommonMark {
    /// Parses one line of inline Markdown, such as a table cell or a title, into inlines.
    ///
    /// Block syntax at the start of the line is taken literally, so `# 1`, `- x`, `> y` and
    /// `1. z` stay text, as they would inside a paragraph. Line endings become spaces.
    public static func parseInline(_ line: String, options: Options = .default) -> [Inline] {
        let text = String(
            line.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 }
        ).trimmingBlanks()
        guard !text.isEmpty else { return [] }
        let options = options.subtracting(.pipeTables)

        let document = parse(text, options: options)
        if let inlines = soleParagraph(document) { return inlines }
        // cmark read block syntax (a heading, list, quote, fence, link reference definition...):
        // escape the character that started it and try again.
        if document.blocks.count == 1, case .htmlBlock(let html) = document.blocks[0].kind {
            return [.html(html.trimmingBlanks())]
        }
        if let inlines = soleParagraph(parse(escapingLeadingBlockSyntax(text), options: options)) {
            return inlines
        }
        return [.text(text)]
    }

    private static func soleParagraph(_ document: Document) -> [Inline]? {
        guard document.blocks.count == 1, case .paragraph(let inlines) = document.blocks[0].kind
        else { return nil }
        return inlines
    }

    /// Backslash-escapes the first ASCII punctuation character, or the `.`/`)` after leading
    /// digits, so that cmark sees a paragraph.
    private static func escapingLeadingBlockSyntax(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        if first.isASCII, MarkdownEscaping.isASCIIPunctuation(first) { return "\\" + text }
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        let rest = text.dropFirst(digits.count)
        if !digits.isEmpty, let marker = rest.first, marker == "." || marker == ")" {
            return digits + "\\" + rest
        }
        return text
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line endings.
    func trimmingBlanks() -> String {
        let isBlank = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" }
        guard let first = firstIndex(where: { !isBlank($0) }),
            let last = lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(self[first...last])
    }
}
