// The only file that talks to cmark. Everything cmark allocates is freed before a function
// returns; what leaves this file is plain Swift values (Document, Block, Inline, String).

import CCmark

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses CommonMark (plus GitHub-style pipe tables) with the cmark C library.
public enum CommonMark {
    /// Parsing switches.
    public struct Options: OptionSet, Hashable, Sendable {
        /// The raw bits.
        public let rawValue: Int

        /// Creates options from raw bits.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Turn paragraphs written as GitHub pipe tables into ``Block/Kind/table(alignments:header:rows:)``.
        public static let pipeTables = Options(rawValue: 1 << 0)
        /// Curly quotes, en/em dashes and ellipses (cmark's `CMARK_OPT_SMART`).
        public static let smartPunctuation = Options(rawValue: 1 << 1)

        /// What ``CommonMark/parse(_:options:)`` uses unless told otherwise: pipe tables on.
        public static let `default`: Options = [.pipeTables]
    }

    /// Parses a Markdown document.
    ///
    /// Never fails: every string is some Markdown document. Blocks carry 1-based source
    /// positions (line, and column in UTF-8 bytes) as cmark reports them.
    public static func parse(_ source: String, options: Options = .default) -> Document {
        guard let root = parseTree(source, options: options) else { return Document(blocks: []) }
        defer { cmark_node_free(root) }
        var converter = TreeConverter(source: source, options: options)
        return converter.convert(root)
    }

    /// The HTML cmark itself renders for `source`, used by the tests as a reference for
    /// ``HTMLRenderer``.
    static func referenceHTML(_ source: String, unsafe: Bool = false) -> String {
        let flags = unsafe ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT
        guard let html = source.withCString({ cmark_markdown_to_html($0, source.utf8.count, flags) })
        else { return "" }
        defer { free(html) }
        return String(cString: html)
    }

    private static func parseTree(_ source: String, options: Options) -> OpaquePointer? {
        var flags = CMARK_OPT_DEFAULT
        if options.contains(.smartPunctuation) { flags |= CMARK_OPT_SMART }
        // Pass the length explicitly: a NUL inside the string is data (cmark turns it into U+FFFD).
        return source.withCString { cmark_parse_document($0, source.utf8.count, flags) }
    }
}

/// Walks a cmark tree with `cmark_iter` and copies it into Swift values.
///
/// A stack holds the children collected so far for every open container node; on a node's
/// exit event they become its Swift value and join the parent's children. Leaf nodes only
/// get an enter event.
private struct TreeConverter {
    let options: CommonMark.Options
    let source: String
    private var cachedLines: SourceLines?

    init(source: String, options: CommonMark.Options) {
        self.source = source
        self.options = options
    }

    /// How deep quotes/lists, and emphasis/links, may nest before deeper ones are flattened
    /// into their parent. Everything that walks a document recurses, so a hostile
    /// `>>>>>>…` or `******…` must not become a 10,000-level tree.
    static let maximumNesting = 64

    /// The children gathered for one open container.
    private struct Children {
        var blocks: [Block] = []
        var inlines: [Inline] = []
        var items: [[Block]] = []
        /// Whether this container is too deep and hands its children to its parent.
        var flattened = false
        /// Open quote/list (or emphasis/strong/link/image) containers, this one included.
        var blockDepth = 0
        var inlineDepth = 0

        mutating func append(_ value: Converted) {
            switch value {
            case .block(let block): blocks.append(block)
            case .inline(let inline): inlines.append(inline)
            case .item(let item): items.append(item)
            case .passThrough(let children):
                blocks += children.blocks + children.items.flatMap { $0 }
                inlines += children.inlines
            }
        }
    }

    private enum Converted {
        case block(Block)
        case inline(Inline)
        case item([Block])
        /// Flattened or custom nodes: their children join the parent's.
        case passThrough(Children)
    }

    /// A new frame for container `node` opened inside `parent`.
    private func frame(for node: OpaquePointer, inside parent: Children?) -> Children {
        var frame = Children()
        frame.blockDepth = parent?.blockDepth ?? 0
        frame.inlineDepth = parent?.inlineDepth ?? 0
        switch cmark_node_get_type(node) {
        case CMARK_NODE_BLOCK_QUOTE, CMARK_NODE_LIST:
            frame.flattened = frame.blockDepth >= Self.maximumNesting
            if !frame.flattened { frame.blockDepth += 1 }
        case CMARK_NODE_ITEM:
            // An item goes wherever its list goes.
            frame.flattened = parent?.flattened ?? false
        case CMARK_NODE_EMPH, CMARK_NODE_STRONG, CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            frame.flattened = frame.inlineDepth >= Self.maximumNesting
            if !frame.flattened { frame.inlineDepth += 1 }
        default:
            break
        }
        return frame
    }

    mutating func convert(_ root: OpaquePointer) -> Document {
        guard let iterator = cmark_iter_new(root) else { return Document(blocks: []) }
        defer { cmark_iter_free(iterator) }

        var stack: [Children] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { break }
            if event == CMARK_EVENT_ENTER {
                if let leaf = leafValue(node) {
                    if stack.isEmpty { stack.append(Children()) }
                    stack[stack.count - 1].append(leaf)
                } else {
                    stack.append(frame(for: node, inside: stack.last))
                }
            } else if event == CMARK_EVENT_EXIT {
                let children = stack.removeLast()
                if node == root {
                    return Document(blocks: children.blocks)
                }
                let value = children.flattened ? .passThrough(children) : containerValue(node, children: children)
                if stack.isEmpty { stack.append(Children()) }
                stack[stack.count - 1].append(value)
            }
        }
        return Document(blocks: stack.first?.blocks ?? [])
    }

    /// The value of a node without children, or `nil` for a container.
    private mutating func leafValue(_ node: OpaquePointer) -> Converted? {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT: return .inline(.text(literal(node)))
        case CMARK_NODE_CODE: return .inline(.code(literal(node)))
        case CMARK_NODE_HTML_INLINE: return .inline(.html(literal(node)))
        case CMARK_NODE_SOFTBREAK: return .inline(.softBreak)
        case CMARK_NODE_LINEBREAK: return .inline(.lineBreak)
        case CMARK_NODE_THEMATIC_BREAK: return .block(Block(.thematicBreak, range: range(node)))
        case CMARK_NODE_HTML_BLOCK: return .block(Block(.htmlBlock(literal(node)), range: range(node)))
        case CMARK_NODE_CODE_BLOCK:
            let info = string(cmark_node_get_fence_info(node))
            let code = literal(node)
            let range = range(node)
            let fenced = isFenced(info: info, literal: code, start: range.start)
            return .block(Block(.codeBlock(info: info, literal: code, fenced: fenced), range: range))
        default: return nil
        }
    }

    /// The value of a container node, given its converted children.
    private mutating func containerValue(_ node: OpaquePointer, children: Children) -> Converted {
        let range = range(node)
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            if let table = table(inlines: children.inlines, range: range) {
                return .block(Block(table, range: range))
            }
            return .block(Block(.paragraph(children.inlines), range: range))
        case CMARK_NODE_HEADING:
            let level = Int(cmark_node_get_heading_level(node))
            return .block(Block(.heading(level: level, children.inlines), range: range))
        case CMARK_NODE_BLOCK_QUOTE:
            return .block(Block(.blockQuote(children.blocks), range: range))
        case CMARK_NODE_LIST:
            let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
            let start = ordered ? Int(cmark_node_get_list_start(node)) : 1
            let tight = cmark_node_get_list_tight(node) != 0
            let list = Block.Kind.list(ordered: ordered, start: start, tight: tight, items: children.items)
            return .block(Block(list, range: range))
        case CMARK_NODE_ITEM:
            return .item(children.blocks)
        case CMARK_NODE_EMPH:
            return .inline(.emphasis(children.inlines))
        case CMARK_NODE_STRONG:
            return .inline(.strong(children.inlines))
        case CMARK_NODE_LINK:
            return .inline(
                .link(
                    destination: string(cmark_node_get_url(node)),
                    title: string(cmark_node_get_title(node)), children: children.inlines))
        case CMARK_NODE_IMAGE:
            return .inline(
                .image(
                    source: string(cmark_node_get_url(node)),
                    title: string(cmark_node_get_title(node)), alt: children.inlines))
        default:
            return .passThrough(children)
        }
    }

    // MARK: - Helpers

    private func literal(_ node: OpaquePointer) -> String {
        string(cmark_node_get_literal(node))
    }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String {
        // Borrowed from the node (cmark owns it): copy, never free.
        pointer.map { String(cString: $0) } ?? ""
    }

    private mutating func range(_ node: OpaquePointer) -> SourceRange {
        let start = SourcePosition(
            line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node)))
        var end = SourcePosition(
            line: Int(cmark_node_get_end_line(node)), column: Int(cmark_node_get_end_column(node)))
        // cmark ends blocks that swallowed a trailing blank line (lists, indented code) at
        // column 0 of that line; report the end of the last line with content instead.
        while end.column == 0, end.line > start.line {
            end.line -= 1
            end.column = lines().byteCount(line: end.line)
        }
        return SourceRange(start: start, end: end)
    }

    private mutating func lines() -> SourceLines {
        if let cachedLines { return cachedLines }
        let lines = SourceLines(source)
        cachedLines = lines
        return lines
    }

    /// cmark 0.30 has no public "is fenced" accessor, so look at the source: an indented code
    /// block starts (at its start column) with its own first line, a fenced one with the fence.
    private mutating func isFenced(info: String, literal: String, start: SourcePosition) -> Bool {
        if !info.isEmpty { return true }
        guard let opening = lines().text(line: start.line, fromColumn: start.column) else { return false }
        // Compare bytes: cmark may keep a `\r` from a CRLF source in the literal.
        let firstLine = literal.utf8.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return !opening.utf8.elementsEqual(firstLine)
    }

    /// A pipe table, if this paragraph is one.
    private mutating func table(inlines: [Inline], range: SourceRange) -> Block.Kind? {
        // Cheap test first: a table paragraph starts with the text "|".
        guard options.contains(.pipeTables), case .text(let first)? = inlines.first,
            first.hasPrefix("|"), range.end.line > range.start.line
        else { return nil }
        let rows = lines().paragraphLines(range)
        guard let table = PipeTable(lines: rows) else { return nil }
        let cellOptions = options.subtracting(.pipeTables)
        return .table(
            alignments: table.alignments,
            header: table.header.map { CommonMark.parseInline($0, options: cellOptions) },
            rows: table.rows.map { row in row.map { CommonMark.parseInline($0, options: cellOptions) } })
    }
}
