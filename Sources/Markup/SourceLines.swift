/// The lines of a Markdown source, addressed the way cmark addresses them: 1-based line
/// numbers, 1-based columns counted in UTF-8 bytes, and `\n`, `\r\n` or `\r` as line endings.
struct SourceLines {
    private let bytes: [UInt8]
    /// Byte ranges of each line, without its line ending.
    private let ranges: [Range<Int>]

    init(_ source: String) {
        bytes = Array(source.utf8)
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"):
                ranges.append(start..<index)
                index += 1
                start = index
            case UInt8(ascii: "\r"):
                ranges.append(start..<index)
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
                start = index
            default:
                index += 1
            }
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        self.ranges = ranges
    }

    /// The number of lines.
    var count: Int { ranges.count }

    /// The length of line `line` (1-based) in UTF-8 bytes, without its line ending.
    func byteCount(line: Int) -> Int {
        slice(line: line)?.count ?? 0
    }

    /// Line `line` (1-based) from byte column `column` (1-based) to its end, if it exists.
    func text(line: Int, fromColumn column: Int) -> String? {
        guard let bytes = slice(line: line) else { return nil }
        let skip = min(max(column - 1, 0), bytes.count)
        return String(decoding: bytes.dropFirst(skip), as: UTF8.self)
    }

    /// The source lines of a paragraph with the container markers (`> `, list indentation)
    /// before them removed, and surrounding spaces and tabs trimmed.
    ///
    /// The first line starts at the paragraph's start column. On later lines, up to that many
    /// bytes of spaces, tabs and `>` are container prefix; anything else means a lazy
    /// continuation line, which is taken whole.
    func paragraphLines(_ range: SourceRange) -> [String] {
        guard range.start.line >= 1, range.end.line >= range.start.line else { return [] }
        var result: [String] = []
        let prefixWidth = max(range.start.column - 1, 0)
        for number in range.start.line...range.end.line {
            guard var line = slice(line: number) else { break }
            if number == range.start.line {
                line = line.dropFirst(min(prefixWidth, line.count))
            } else {
                var dropped = 0
                while dropped < prefixWidth, let byte = line.first, Self.isPrefixByte(byte) {
                    line = line.dropFirst()
                    dropped += 1
                }
            }
            result.append(Self.trimmed(line))
        }
        return result
    }

    private func slice(line: Int) -> ArraySlice<UInt8>? {
        guard line >= 1, line <= ranges.count else { return nil }
        return bytes[ranges[line - 1]]
    }

    private static func isPrefixByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: ">")
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> String {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = line.firstIndex(where: { !isBlank($0) }),
            let last = line.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(decoding: line[first...last], as: UTF8.self)
    }
}
