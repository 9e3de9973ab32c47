extension Block {
    /// The inline content of a paragraph or heading; `nil` for other blocks.
    public var inlines: [Inline]? {
        switch kind {
        case .paragraph(let inlines), .heading(_, let inlines):
            return inlines
        default:
            return nil
        }
    }

    /// The blocks directly inside this one: a quote's blocks, or all items' blocks in order.
    public var children: [Block] {
        switch kind {
        case .blockQuote(let blocks):
            return blocks
        case .list(_, _, _, let items):
            return items.flatMap { $0 }
        default:
            return []
        }
    }

    /// The text a reader sees, without markup.
    ///
    /// Paragraphs and headings give their inline text, code and HTML blocks their literal, a
    /// table its cells (tab-separated, one row a line), containers their children's text
    /// separated by blank lines; a thematic break gives nothing.
    public var plainText: String {
        switch kind {
        case .paragraph(let inlines), .heading(_, let inlines):
            return inlines.plainText
        case .codeBlock(_, let literal, _), .htmlBlock(let literal):
            return literal
        case .thematicBreak:
            return ""
        case .blockQuote, .list:
            return children.map(\.plainText).joined(separator: "\n\n")
        case .table(_, let header, let rows):
            return ([header] + rows)
                .map { row in row.map(\.plainText).joined(separator: "\t") }
                .joined(separator: "\n")
        }
    }

    /// The same block with every source range, its own and its children's, set to unknown.
    ///
    /// Handy in tests that care about structure, not positions.
    public func removingSourceRanges() -> Block {
        Block(kind.removingSourceRanges())
    }

    /// Calls `body` on this block and then on every block inside it, depth first, in
    /// document order. `depth` is 0 for this block.
    public func walk(depth: Int = 0, _ body: (_ block: Block, _ depth: Int) throws -> Void) rethrows {
        try body(self, depth)
        for child in children {
            try child.walk(depth: depth + 1, body)
        }
    }
}

extension Block.Kind {
    func removingSourceRanges() -> Block.Kind {
        switch self {
        case .blockQuote(let blocks):
            return .blockQuote(blocks.map { $0.removingSourceRanges() })
        case .list(let ordered, let start, let tight, let items):
            return .list(
                ordered: ordered, start: start, tight: tight,
                items: items.map { $0.map { $0.removingSourceRanges() } })
        default:
            return self
        }
    }
}
