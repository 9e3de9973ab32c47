/// Renders a ``Document`` as HTML, matching cmark's own HTML renderer, plus pipe tables and
/// heading ids.
///
/// Safe by default, exactly like cmark without `CMARK_OPT_UNSAFE`: raw HTML (blocks and
/// inline) becomes `<!-- raw HTML omitted -->`, and links or images whose URL starts with
/// `javascript:`, `vbscript:`, `file:` or `data:` (other than PNG, GIF, JPEG, WebP images)
/// get an empty `href`/`src`. All text and attributes are escaped.
public struct HTMLRenderer: Sendable {
    /// Whether raw HTML and dangerous URLs pass through untouched.
    public var unsafe: Bool
    /// Whether headings get an `id` (see ``slug(_:)``) that a site can link to.
    public var headingIDs: Bool

    /// Creates a renderer; `unsafe: true` trusts the Markdown's raw HTML and URLs.
    public init(unsafe: Bool = false, headingIDs: Bool = true) {
        self.unsafe = unsafe
        self.headingIDs = headingIDs
    }

    /// The HTML for a whole document, one block element per line group, ending with `\n`.
    public func render(_ document: Document) -> String {
        var writer = HTMLWriter(renderer: self)
        writer.writeBlocks(document.blocks, tight: false)
        return writer.html
    }

    /// The HTML for inline content alone (no `<p>`), e.g. a title or a table cell.
    public func render(_ inlines: [Inline]) -> String {
        var writer = HTMLWriter(renderer: self)
        writer.writeInlines(inlines)
        return writer.html
    }

    /// The `id` a heading with this text gets: lowercase letters and digits, with every other
    /// run of characters turned into one `-` (`"Fine-tune the Head!"` → `fine-tune-the-head`).
    ///
    /// Within a document, later headings with the same slug get `-1`, `-2`, ... appended. Text
    /// without letters or digits gives `section`.
    public static func slug(_ text: String) -> String {
        var slug = ""
        var pendingDash = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingDash && !slug.isEmpty { slug += "-" }
                pendingDash = false
                slug.append(character)
            } else {
                pendingDash = true
            }
        }
        return slug.isEmpty ? "section" : slug
    }
}

/// One rendering pass: the output so far and the heading ids already used.
private struct HTMLWriter {
    let renderer: HTMLRenderer
    var html = ""
    private var usedIDs: Set<String> = []

    init(renderer: HTMLRenderer) {
        self.renderer = renderer
    }

    /// Starts a new line unless at the start of one (cmark's `cr`).
    private mutating func newline() {
        if let last = html.utf8.last, last != UInt8(ascii: "\n") { html += "\n" }
    }

    /// Writes blocks; `tight` is set for the blocks of a tight list's item, whose paragraphs
    /// lose their `<p>`.
    mutating func writeBlocks(_ blocks: [Block], tight: Bool) {
        for block in blocks { writeBlock(block, tight: tight) }
    }

    private mutating func writeBlock(_ block: Block, tight: Bool) {
        switch block.kind {
        case .paragraph(let inlines):
            if tight {
                writeInlines(inlines)
            } else {
                newline()
                html += "<p>"
                writeInlines(inlines)
                html += "</p>\n"
            }
        case .heading(let level, let inlines):
            newline()
            html += "<h\(level)"
            if renderer.headingIDs { html += " id=\"\(HTMLEscaping.escapeText(uniqueID(for: inlines)))\"" }
            html += ">"
            writeInlines(inlines)
            html += "</h\(level)>\n"
        case .codeBlock(let info, let literal, let fenced):
            newline()
            let language = info.prefix { !" \t\n\u{0B}\u{0C}\r".contains($0) }
            if !fenced || language.isEmpty {
                html += "<pre><code>"
            } else {
                html += "<pre><code class=\"language-\(HTMLEscaping.escapeText(String(language)))\">"
            }
            html += HTMLEscaping.escapeText(literal)
            html += "</code></pre>\n"
        case .htmlBlock(let literal):
            newline()
            html += renderer.unsafe ? literal : "<!-- raw HTML omitted -->"
            newline()
        case .blockQuote(let blocks):
            newline()
            html += "<blockquote>\n"
            writeBlocks(blocks, tight: false)
            newline()
            html += "</blockquote>\n"
        case .list(let ordered, let start, let listIsTight, let items):
            newline()
            html += !ordered ? "<ul>\n" : start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n"
            for item in items {
                newline()
                html += "<li>"
                writeBlocks(item, tight: listIsTight)
                html += "</li>\n"
            }
            html += ordered ? "</ol>\n" : "</ul>\n"
        case .thematicBreak:
            newline()
            html += "<hr />\n"
        case .table(let alignments, let header, let rows):
            newline()
            writeTable(alignments: alignments, header: header, rows: rows)
        }
    }

    private mutating func writeTable(alignments: [Block.Alignment], header: [[Inline]], rows: [[[Inline]]]) {
        html += "<table>\n<thead>\n"
        writeRow(header, tag: "th", alignments: alignments)
        html += "</thead>\n"
        if !rows.isEmpty {
            html += "<tbody>\n"
            for row in rows { writeRow(row, tag: "td", alignments: alignments) }
            html += "</tbody>\n"
        }
        html += "</table>\n"
    }

    private mutating func writeRow(_ cells: [[Inline]], tag: String, alignments: [Block.Alignment]) {
        html += "<tr>\n"
        for (index, cell) in cells.enumerated() {
            html += "<\(tag)"
            switch index < alignments.count ? alignments[index] : .none {
            case .none: break
            case .left: html += " style=\"text-align: left\""
            case .center: html += " style=\"text-align: center\""
            case .right: html += " style=\"text-align: right\""
            }
            html += ">"
            writeInlines(cell)
            html += "</\(tag)>\n"
        }
        html += "</tr>\n"
    }

    mutating func writeInlines(_ inlines: [Inline]) {
        for inline in inlines { writeInline(inline) }
    }

    private mutating func writeInline(_ inline: Inline) {
        switch inline {
        case .text(let text):
            html += HTMLEscaping.escapeText(text)
        case .code(let code):
            html += "<code>\(HTMLEscaping.escapeText(code))</code>"
        case .emphasis(let children):
            html += "<em>"
            writeInlines(children)
            html += "</em>"
        case .strong(let children):
            html += "<strong>"
            writeInlines(children)
            html += "</strong>"
        case .link(let destination, let title, let children):
            html += "<a href=\"\(url(destination))\""
            if !title.isEmpty { html += " title=\"\(HTMLEscaping.escapeText(title))\"" }
            html += ">"
            writeInlines(children)
            html += "</a>"
        case .image(let source, let title, let alt):
            html += "<img src=\"\(url(source))\" alt=\""
            writeAltText(alt)
            html += "\""
            if !title.isEmpty { html += " title=\"\(HTMLEscaping.escapeText(title))\"" }
            html += " />"
        case .softBreak:
            html += "\n"
        case .lineBreak:
            html += "<br />\n"
        case .html(let raw):
            html += renderer.unsafe ? raw : "<!-- raw HTML omitted -->"
        }
    }

    /// An image's description as attribute text: every literal escaped, markup dropped (cmark
    /// keeps even raw HTML here, escaped, so it cannot do harm).
    private mutating func writeAltText(_ inlines: [Inline]) {
        for inline in inlines {
            switch inline {
            case .text(let text), .code(let text), .html(let text):
                html += HTMLEscaping.escapeText(text)
            case .softBreak, .lineBreak:
                html += " "
            case .emphasis, .strong, .link, .image:
                writeAltText(inline.children)
            }
        }
    }

    private func url(_ url: String) -> String {
        if !renderer.unsafe && HTMLEscaping.isDangerousURL(url) { return "" }
        return HTMLEscaping.escapeURL(url)
    }

    private mutating func uniqueID(for inlines: [Inline]) -> String {
        let base = HTMLRenderer.slug(inlines.plainText)
        var id = base
        var counter = 0
        while usedIDs.contains(id) {
            counter += 1
            id = "\(base)-\(counter)"
        }
        usedIDs.insert(id)
        return id
    }
}
