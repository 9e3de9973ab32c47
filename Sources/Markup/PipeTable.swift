/// Recognises a GitHub-style pipe table in the source lines of a paragraph.
///
/// ```
/// | name | shape     |
/// |------|----------:|
/// | `x`  | 64×3×7×7  |
/// ```
///
/// Every line must start with `|`; the second line must be a delimiter row (`---`, `:--`,
/// `:-:`, `--:` cells) with as many cells as the header. Body rows are padded with empty
/// cells or cut to the header's width. `\|` is a literal pipe inside a cell (also inside code
/// spans, as on GitHub); other backslash escapes are left for the inline parser.
struct PipeTable: Equatable {
    /// One per column.
    var alignments: [Block.Alignment]
    /// The header cells' Markdown.
    var header: [String]
    /// The body rows' cells' Markdown, each row as wide as the header.
    var rows: [[String]]

    /// Recognises a table in already-trimmed lines, or returns `nil`.
    init?(lines: [String]) {
        guard lines.count >= 2, lines.allSatisfy({ $0.hasPrefix("|") }) else { return nil }
        let header = Self.cells(of: lines[0])
        let delimiters = Self.cells(of: lines[1])
        guard header.count == delimiters.count else { return nil }
        var alignments: [Block.Alignment] = []
        for cell in delimiters {
            guard let alignment = Self.alignment(ofDelimiter: cell) else { return nil }
            alignments.append(alignment)
        }
        self.alignments = alignments
        self.header = header
        self.rows = lines.dropFirst(2).map { line in
            var cells = Self.cells(of: line)
            if cells.count > header.count { cells.removeLast(cells.count - header.count) }
            while cells.count < header.count { cells.append("") }
            return cells
        }
    }

    /// Splits a row on unescaped pipes, dropping the outer ones, and trims each cell.
    static func cells(of line: String) -> [String] {
        let bar = UInt8(ascii: "|")
        let backslash = UInt8(ascii: "\\")
        var bytes = Array(line.utf8)[...]
        if bytes.first == bar { bytes = bytes.dropFirst() }

        var cells: [[UInt8]] = []
        var current: [UInt8] = []
        var endsWithBar = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            endsWithBar = false
            if byte == backslash, index + 1 < bytes.endIndex {
                let next = bytes[index + 1]
                // `\|` is a pipe for the cell; any other escape stays for the inline parser.
                if next == bar { current.append(bar) } else { current += [byte, next] }
                index += 2
            } else if byte == bar {
                cells.append(current)
                current = []
                endsWithBar = true
                index += 1
            } else {
                current.append(byte)
                index += 1
            }
        }
        if !endsWithBar { cells.append(current) }
        return cells.map { trim(String(decoding: $0, as: UTF8.self)) }
    }

    /// The alignment a delimiter cell (`:?-+:?`) asks for, or `nil` if it is not one.
    static func alignment(ofDelimiter cell: String) -> Block.Alignment? {
        var body = Substring(cell)
        let left = body.hasPrefix(":")
        if left { body = body.dropFirst() }
        let right = body.hasSuffix(":")
        if right { body = body.dropLast() }
        guard !body.isEmpty, body.allSatisfy({ $0 == "-" }) else { return nil }
        switch (left, right) {
        case (true, true): return .center
        case (true, false): return .left
        case (false, true): return .right
        case (false, false): return Block.Alignment.none
        }
    }

    private static func trim(_ text: String) -> String {
        let isBlank = { (c: Character) in c == " " || c == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }
}
