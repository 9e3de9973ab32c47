/// A block of a Markdown document (paragraph, heading, list, ...) and where it came from.
///
/// The content lives in ``kind``; ``range`` says where the block sits in the source so that
/// callers can report `file:line:column`. Two blocks are equal only when both kind and range
/// are; compare ``kind`` values, or use ``removingSourceRanges()``, to ignore positions.
public struct Block: Hashable, Sendable {
    /// What the block is, with its content.
    public var kind: Kind
    /// Where the block is in the source (``SourceRange/unknown`` for built blocks).
    public var range: SourceRange

    /// Creates a block; `range` defaults to ``SourceRange/unknown``.
    public init(_ kind: Kind, range: SourceRange = .unknown) {
        self.kind = kind
        self.range = range
    }

    /// Where the block starts: its first line and column.
    public var position: SourcePosition { range.start }

    /// The kinds of block CommonMark knows, plus GitHub-style pipe tables.
    public indirect enum Kind: Hashable, Sendable {
        /// A paragraph of inline content.
        case paragraph([Inline])
        /// An ATX (`## x`) or setext (`x` over `---`) heading; `level` is 1 through 6.
        case heading(level: Int, [Inline])
        /// Code, fenced or indented. `info` is the text after the opening fence (e.g. `python`),
        /// and `literal` the code, ending with a newline unless empty.
        case codeBlock(info: String, literal: String, fenced: Bool)
        /// A block of raw HTML, exactly as written (ending with a newline).
        case htmlBlock(String)
        /// A block quote (`> ...`) holding other blocks.
        case blockQuote([Block])
        /// A list. `start` is the first number of an ordered list (1 for bullet lists); a
        /// tight list has no blank lines between its items; each item is a list of blocks.
        case list(ordered: Bool, start: Int, tight: Bool, items: [[Block]])
        /// A thematic break (`---`, `***`).
        case thematicBreak
        /// A GitHub-style pipe table: one alignment per column, header cells, then rows with
        /// exactly as many cells as the header.
        case table(alignments: [Alignment], header: [[Inline]], rows: [[[Inline]]])
    }

    /// How a table column is aligned, from the `:` in its delimiter cell.
    public enum Alignment: Hashable, Sendable {
        /// `---`: no alignment given.
        case none
        /// `:--`
        case left
        /// `:-:`
        case center
        /// `--:`
        case right
    }
}
