/// Finds fenced code blocks that never close, and what they swallowed.
///
/// CommonMark closes a fence only with a line of the same character, at least as long as the
/// opening, and nothing after it but spaces. So a cell opened with four backticks is not closed
/// by three: it runs to the end of the file, and the cells after it become its code. cmark does
/// not say whether a block was closed, so this looks at the block's last source line.
enum FenceCheck {
    /// A fence line: its character, its length, and what follows the run.
    struct Fence {
        var char: Character
        var length: Int
        var rest: Substring
    }

    /// Three or more backticks or tildes after up to three spaces.
    static func fence(_ line: String) -> Fence? {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        let body = line.dropFirst(indent)
        guard let char = body.first, char == "`" || char == "~" else { return nil }
        let length = body.prefix { $0 == char }.count
        guard length >= 3 else { return nil }
        return Fence(char: char, length: length, rest: body.dropFirst(length))
    }

    /// Why the fenced block on lines `start...end` (1-based, of `lines`) is a problem, or nil when
    /// it closes. A code block that is not a cell is reported only when it swallowed cells.
    static func unclosed(_ lines: [String], start: Int, end: Int, isCell: Bool) -> String? {
        guard start >= 1, start <= lines.count, let opening = fence(lines[start - 1]) else { return nil }
        let last = min(end, lines.count)
        if last > start, let closing = fence(lines[last - 1]), closing.char == opening.char, closing.length >= opening.length,
            closing.rest.allSatisfy({ $0 == " " || $0 == "\t" })
        {
            return nil
        }
        let marks = String(repeating: opening.char, count: opening.length)
        let name = opening.char == "`" ? "backticks" : "tildes"
        var shorter: Int?
        var swallowed: [Int] = []
        if last > start {
            for i in (start + 1)...last {
                guard let f = fence(lines[i - 1]) else { continue }
                if shorter == nil, f.char == opening.char, f.length < opening.length, f.rest.allSatisfy({ $0 == " " || $0 == "\t" }) {
                    shorter = i
                }
                if i < last, lines[i].hasPrefix("#|") { swallowed.append(i) }
            }
        }
        guard isCell || !swallowed.isEmpty else { return nil }
        var message = "\(isCell ? "this cell" : "this code block"), opened with \(marks), is never closed"
        if let shorter {
            message += ": the fence on line \(shorter) is shorter (\(opening.length) \(name) are needed to close it)"
        }
        message += ", so it runs to the end of the file"
        if !swallowed.isEmpty {
            let shown = swallowed.prefix(5).map(String.init).joined(separator: ", ") + (swallowed.count > 5 ? ", …" : "")
            message +=
                " and swallows the \(swallowed.count) cell\(swallowed.count == 1 ? "" : "s") after it (line\(swallowed.count == 1 ? "" : "s") \(shown))"
        }
        return message + "; close it with a line of at least \(opening.length) \(name)"
    }
}
