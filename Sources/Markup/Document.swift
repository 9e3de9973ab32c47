/// A parsed Markdown document: a list of blocks, all plain Swift values.
///
/// Make one with ``CommonMark/parse(_:options:)``.
public struct Document: Hashable, Sendable {
    /// The top-level blocks, in source order.
    public var blocks: [Block]

    /// Creates a document from blocks.
    public init(blocks: [Block]) {
        self.blocks = blocks
    }

    /// Calls `body` on every block, depth first, in document order; `depth` is 0 for
    /// top-level blocks, 1 for blocks inside a top-level quote or list, and so on.
    public func walk(_ body: (_ block: Block, _ depth: Int) throws -> Void) rethrows {
        for block in blocks {
            try block.walk(body)
        }
    }

    /// Every block of the document, depth first, in document order.
    public var allBlocks: [Block] {
        var result: [Block] = []
        walk { block, _ in result.append(block) }
        return result
    }

    /// The headings of the document (at any depth), in order.
    public var headings: [(level: Int, text: [Inline], position: SourcePosition)] {
        allBlocks.compactMap { block in
            guard case .heading(let level, let text) = block.kind else { return nil }
            return (level, text, block.position)
        }
    }

    /// The same document with every source range set to unknown (see
    /// ``Block/removingSourceRanges()``).
    public func removingSourceRanges() -> Document {
        Document(blocks: blocks.map { $0.removingSourceRanges() })
    }
}
