/// A place in a Markdown source: 1-based line and 1-based column, as cmark reports them.
///
/// Columns count UTF-8 bytes from the start of the line (cmark's convention), so they match
/// what most editors show for ASCII text.
public struct SourcePosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column (in UTF-8 bytes).
    public var column: Int

    /// Creates a position from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The position of something that did not come from a source (line 0, column 0).
    public static let unknown = SourcePosition(line: 0, column: 0)

    /// `line:column`, ready to follow a file name in an error message.
    public var description: String { "\(line):\(column)" }

    /// Orders positions by line, then column.
    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// The span a block covers in its source, from its first to its last character (both inclusive).
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    /// Where the block starts.
    public var start: SourcePosition
    /// Where the block ends (inclusive).
    public var end: SourcePosition

    /// Creates a range from its two ends.
    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// The range of something that did not come from a source.
    public static let unknown = SourceRange(start: .unknown, end: .unknown)

    /// `line:column-line:column`, like cmark's `data-sourcepos`.
    public var description: String { "\(start)-\(end)" }
}
