import Markup

/// `{{fact}}` placeholders in lesson prose.
///
/// Values are escaped for where they land: Markdown-escaped in text, verbatim inside code spans
/// and code blocks (where Markdown means nothing), so a value can never become markup.
///
/// A placeholder opens with `{{` and closes with the next `}}` on the same line. A `{{` with no
/// `}}` after it on its line, or with another `{{` before its `}}`, is unclosed (an error `check`
/// reports); `\{{` is a literal `{{` (Markdown shows `\{` as `{`). The scan reads each byte once,
/// so a line of 200,000 `{{` costs what any other line of that length does.
public enum Template {
    /// One placeholder: its dotted path and where it stands.
    public struct Placeholder: Sendable, Equatable {
        public var path: [String]
        public var raw: String
        public var line: Int
        /// 1-based, in UTF-8 bytes (cmark's columns).
        public var column: Int
        public var inCode: Bool
    }

    /// The placeholders of a text and the `{{` that never close.
    public struct Scan: Sendable, Equatable {
        public var placeholders: [Placeholder] = []
        /// Where an unclosed `{{` stands: the first of each run of them before the same `}}` (or the line's end).
        public var unclosed: [SourcePosition] = []

        public init(placeholders: [Placeholder] = [], unclosed: [SourcePosition] = []) {
            self.placeholders = placeholders
            self.unclosed = unclosed
        }
    }

    /// Finds every placeholder in `markdown`, whose first line is `line` of the lesson file.
    public static func placeholders(in markdown: String, line: Int) -> [Placeholder] {
        analyse(markdown, line: line).placeholders
    }

    /// Finds every placeholder and every unclosed `{{` in `markdown`.
    public static func analyse(_ markdown: String, line: Int) -> Scan {
        var found = Scan()
        scan(markdown, line: line, unclosed: { found.unclosed.append($0) }) { p in
            found.placeholders.append(p)
            return nil
        }
        return found
    }

    /// The message for an unclosed `{{`.
    public static let unclosedMessage = "`{{` is not closed: expected `}}` on the same line (write `\\{{` for a literal `{{`)"

    /// A path as the reader wrote it, cut to a readable length for a message.
    public static func display(_ path: [String]) -> String {
        let joined = path.joined(separator: ".")
        return joined.count > 60 ? String(joined.prefix(60)) + "…" : joined
    }

    /// Replaces every placeholder with `value(path)`'s prose; the first failure is reported.
    public static func resolve(
        _ markdown: String, line: Int, file: String, _ value: ([String]) -> Result<FactValue, StepError>
    ) throws(LessonDiagnostic) -> String {
        var failure: LessonDiagnostic?
        let out = scan(
            markdown, line: line,
            unclosed: { position in
                if failure == nil { failure = LessonDiagnostic(file: file, line: position.line, column: position.column, unclosedMessage) }
            }
        ) { p in
            switch value(p.path) {
            case .success(let v): return p.inCode ? v.prose.replacingOccurrences(of: "`", with: "'") : MarkdownEscaping.escape(v.prose)
            case .failure(let e):
                if failure == nil { failure = LessonDiagnostic(file: file, line: p.line, column: p.column, e.message) }
                return nil
            }
        }
        if let failure { throw failure }
        return out
    }

    private static let backtick = UInt8(ascii: "`"), tilde = UInt8(ascii: "~"), open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n")

    /// Walks the text, tracking code spans (by backtick run length) and fenced blocks, and hands each
    /// placeholder to `replace` (nil keeps it as written); returns the text with replacements.
    @discardableResult
    static func scan(
        _ text: String, line firstLine: Int, unclosed: (SourcePosition) -> Void = { _ in }, _ replace: (Placeholder) -> String?
    ) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var lineNumber = firstLine
        var fence: (char: UInt8, length: Int)?
        var openTicks = 0
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: newline) ?? bytes.count
            let line = bytes[start..<end]
            defer {
                if end < bytes.count { out.append(newline) }
                lineNumber += 1
                start = end + 1
            }
            if line.allSatisfy({ $0 == space || $0 == tab }) { openTicks = 0 }
            if let open = fence {
                if let run = fenceRun(line), run.char == open.char, run.length >= open.length, run.rest.allSatisfy({ $0 == space || $0 == tab }) {
                    fence = nil
                    openTicks = 0
                    out += line
                    continue
                }
            } else if let run = fenceRun(line), !(run.char == backtick && run.rest.contains(backtick)) {
                fence = (run.char, run.length)
                openTicks = 0
                out += line
                continue
            }
            scanLine(
                line, lineNumber: lineNumber, inFence: fence != nil, openTicks: &openTicks, into: &out, unclosed: unclosed, replace)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A fence opening or closing line: three or more backticks or tildes after up to three spaces.
    private static func fenceRun(_ line: ArraySlice<UInt8>) -> (char: UInt8, length: Int, rest: ArraySlice<UInt8>)? {
        let indent = line.prefix { $0 == space }.count
        guard indent <= 3 else { return nil }
        let body = line.dropFirst(indent)
        guard let char = body.first, char == backtick || char == tilde else { return nil }
        let length = body.prefix { $0 == char }.count
        guard length >= 3 else { return nil }
        return (char, length, body.dropFirst(length))
    }

    /// One line outside fence lines: code spans and placeholders.
    private static func scanLine(
        _ line: ArraySlice<UInt8>, lineNumber: Int, inFence: Bool, openTicks: inout Int, into out: inout [UInt8],
        unclosed: (SourcePosition) -> Void, _ replace: (Placeholder) -> String?
    ) {
        let base = line.startIndex
        let end = line.endIndex
        // The next `}}` and `{{` at or after a position; both only move forward, so the line is read once.
        var closeAt = base
        var openAt = base
        func next(_ byte: UInt8, from i: Int, cursor: inout Int) -> Int? {
            cursor = max(cursor, i)
            while cursor + 1 < end && !(line[cursor] == byte && line[cursor + 1] == byte) { cursor += 1 }
            return cursor + 1 < end ? cursor : nil
        }
        var reportedBefore = -1  // the `}}` (or end of line) an unclosed `{{` was already reported for
        var j = base
        while j < end {
            let b = line[j]
            if b == backtick && !inFence {  // a fenced block has no code spans
                var run = 0
                while j < end && line[j] == backtick {
                    run += 1
                    j += 1
                }
                if openTicks == 0 { openTicks = run } else if openTicks == run { openTicks = 0 }
                out += repeatElement(backtick, count: run)
                continue
            }
            guard b == open, j + 1 < end, line[j + 1] == open else {
                out.append(b)
                j += 1
                continue
            }
            if j > base && line[j - 1] == backslash {
                out += [open, open]
                j += 2
                continue
            }
            let closing = next(close, from: j + 2, cursor: &closeAt)
            guard let c = closing, next(open, from: j + 2, cursor: &openAt).map({ $0 >= c }) ?? true else {
                let before = closing ?? end
                if before != reportedBefore {
                    unclosed(SourcePosition(line: lineNumber, column: j - base + 1))
                    reportedBefore = before
                }
                out += [open, open]
                j += 2
                continue
            }
            let raw = String(decoding: line[j...(c + 1)], as: UTF8.self)
            let inner = String(decoding: line[(j + 2)..<c], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let p = Placeholder(
                path: inner.split(separator: ".", omittingEmptySubsequences: false).map(String.init), raw: raw,
                line: lineNumber, column: j - base + 1, inCode: inFence || openTicks > 0)
            out += (replace(p) ?? raw).utf8
            j = c + 2
        }
    }
}
