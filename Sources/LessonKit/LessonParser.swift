import Foundation
import Markup

/// Reads lesson files: front matter by line, the body through cmark's tree.
public enum LessonParser {
    /// Lessons bigger than this are refused before parsing (a lesson is prose, not data).
    public static let maxBytes = 1_000_000

    /// Reads and parses a lesson file. Never reads more than `maxBytes` + 1 bytes, whatever the path
    /// names (a 10 GB file, `/dev/zero`).
    public static func read(_ url: URL) throws(LessonErrors) -> Lesson {
        let path = url.path
        if let problem = PathCheck.problemReading(path) {
            let message =
                switch problem {
                case PathCheck.noSuchFile: "no such lesson file"
                case PathCheck.isAFolder: "is a directory; expected a lesson file (.md)"
                default: problem
                }
            throw LessonErrors([LessonDiagnostic(file: path, line: 1, message)])
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if attributes?[.type] as? FileAttributeType == .typeRegular, let size = attributes?[.size] as? Int, size > maxBytes {
            throw LessonErrors([tooBig(size, file: path)])
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw LessonErrors([LessonDiagnostic(file: path, line: 1, "cannot read the file: \(error.localizedDescription)")])
        }
        if data.count > maxBytes { throw LessonErrors([tooBig(nil, file: path)]) }
        return try parse(data, file: path)
    }

    /// The diagnostic for a lesson over `maxBytes` (`size` when known; a stream only shows it is more).
    static func tooBig(_ size: Int?, file: String) -> LessonDiagnostic {
        LessonDiagnostic(
            file: file, line: 1, "file is \(size.map(String.init) ?? "more than \(maxBytes)") bytes; lessons are limited to \(maxBytes) bytes")
    }

    /// Parses lesson bytes; `file` names it in diagnostics. Bytes that are not UTF-8 are reported
    /// at their own line and column, and the rest of the lesson is still checked (read with U+FFFD
    /// in their place), so one bad byte does not hide the other problems.
    public static func parse(_ data: Data, file: String) throws(LessonErrors) -> Lesson {
        guard data.count <= maxBytes else { throw LessonErrors([tooBig(data.count, file: file)]) }
        if let text = String(data: data, encoding: .utf8) { return try parse(text, file: file) }
        let bytes = [UInt8](data)
        let problems = UTF8Check.problems(bytes).map {
            LessonDiagnostic(file: file, line: $0.line, column: $0.column, "not valid UTF-8: \($0.reason); save the lesson as UTF-8")
        }
        // Foundation refused the bytes, so something is wrong even if the check above found nothing.
        let diagnostics = problems.isEmpty ? [LessonDiagnostic(file: file, line: 1, "not valid UTF-8 text; save the lesson as UTF-8")] : problems
        return try parse(String(decoding: bytes, as: UTF8.self), file: file, diagnostics: diagnostics)
    }

    /// Parses lesson text. Every problem is reported at once: when the structure has problems
    /// (front matter, cells), `LessonChecker` still checks what did parse, and all of it is thrown
    /// together, in file order.
    public static func parse(_ text: String, file: String) throws(LessonErrors) -> Lesson {
        try parse(text, file: file, diagnostics: [])
    }

    static func parse(_ text: String, file: String, diagnostics earlier: [LessonDiagnostic]) throws(LessonErrors) -> Lesson {
        var diagnostics = earlier
        let lines = splitLines(text)
        guard lines.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw LessonErrors(
                earlier + [LessonDiagnostic(file: file, line: 1, "the lesson is empty; expected front matter (--- title: … ---) and cells")])
        }
        let front = frontMatter(lines, file: file, into: &diagnostics)
        let bodyStart = front.bodyStart
        let body = lines[bodyStart...].joined(separator: "\n")
        let document = CommonMark.parse(body)
        var items: [LessonItem] = []
        var proseStart = bodyStart + 1  // 1-based line where the pending prose begins
        func flushProse(upTo line: Int) {
            guard line > proseStart else { return }
            let chunk = lines[(proseStart - 1)..<(line - 1)].joined(separator: "\n")
            if !chunk.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                items.append(.prose(Prose(markdown: chunk, line: proseStart)))
            }
        }
        for block in document.blocks {
            guard case .codeBlock(let info, let literal, let fenced) = block.kind, fenced else { continue }
            let start = block.range.start.line + bodyStart
            let end = block.range.end.line + bodyStart
            let isCell = literal.split(separator: "\n", omittingEmptySubsequences: false).first?.hasPrefix("#|") == true
            if let problem = FenceCheck.unclosed(lines, start: start, end: end, isCell: isCell) {
                diagnostics.append(LessonDiagnostic(file: file, line: start, column: block.range.start.column, problem))
            }
            guard isCell else { continue }
            flushProse(upTo: start)
            if let cell = cell(info: info, literal: literal, fenceLine: start, fenceColumn: block.range.start.column, file: file, into: &diagnostics)
            {
                items.append(.cell(cell))
            }
            proseStart = end + 1
        }
        flushProse(upTo: lines.count + 1)
        if front.closed && !front.entries.contains(where: { $0.key == "title" }) {
            diagnostics.append(LessonDiagnostic(file: file, line: 1, "front matter has no title (add `title: …` between --- lines)"))
        }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let lesson = Lesson(file: file, name: name, front: front.entries, items: items)
        guard diagnostics.isEmpty else {
            // A structural slip must not hide the rest: check what did parse, and report it all.
            do { _ = try LessonChecker.check(lesson) } catch { diagnostics += error.diagnostics }
            throw LessonErrors(LessonDiagnostic.inFileOrder(diagnostics))
        }
        return lesson
    }

    /// Splits at line endings as cmark counts them (LF, CRLF and a lone CR), so that cmark's line
    /// numbers index the result. (Splitting at "\n" only let a lone CR put cmark's lines past the end.)
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var start = text.utf8.startIndex
        var i = start
        while i < text.utf8.endIndex {
            let byte = text.utf8[i]
            guard byte == 0x0A || byte == 0x0D else {
                i = text.utf8.index(after: i)
                continue
            }
            lines.append(String(decoding: text.utf8[start..<i], as: UTF8.self))
            i = text.utf8.index(after: i)
            if byte == 0x0D, i < text.utf8.endIndex, text.utf8[i] == 0x0A { i = text.utf8.index(after: i) }
            start = i
        }
        lines.append(String(decoding: text.utf8[start..<i], as: UTF8.self))
        return lines
    }

    /// The front matter as parsed: its entries, where the body starts (0-based line index), and
    /// whether it had both `---` lines.
    struct FrontMatter {
        var entries: [ParameterEntry]
        var bodyStart: Int
        var closed: Bool
    }

    /// `---` / `key: value` lines / `---` at the top of the file. Without the closing line, the
    /// front matter is taken to end at its first blank or non-`key: value` line, so that the body
    /// after it is still checked.
    static func frontMatter(_ lines: [String], file: String, into diagnostics: inout [LessonDiagnostic]) -> FrontMatter {
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            diagnostics.append(
                LessonDiagnostic(file: file, line: 1, "a lesson starts with front matter: a line '---', `key: value` lines (title first), and '---'"))
            return FrontMatter(entries: [], bodyStart: 0, closed: false)
        }
        let closing = lines.indices.dropFirst().first { ["---", "..."].contains(lines[$0].trimmingCharacters(in: .whitespaces)) }
        var end = closing ?? lines.count
        if closing == nil {
            end =
                lines.indices.dropFirst().first { i in
                    let trimmed = lines[i].trimmingCharacters(in: .whitespaces)
                    return trimmed.isEmpty || (!trimmed.hasPrefix("#") && !trimmed.contains(":"))
                } ?? lines.count
            let stop = end < lines.count ? " (it runs up to line \(end), and the body is read from line \(end + 1))" : ""
            diagnostics.append(LessonDiagnostic(file: file, line: 1, "front matter is not closed: expected a line '---' after the parameters\(stop)"))
        }
        var entries: [ParameterEntry] = []
        var firstLine: [String: Int] = [:]
        for i in 1..<max(1, end) {
            let raw = lines[i]
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = raw.firstIndex(of: ":") else {
                diagnostics.append(
                    LessonDiagnostic(file: file, line: i + 1, "expected `key: value` in the front matter, got '\(Self.clipped(trimmed))'"))
                continue
            }
            let key = raw[..<colon].trimmingCharacters(in: .whitespaces)
            let value = raw[raw.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                diagnostics.append(
                    LessonDiagnostic(file: file, line: i + 1, "'\(Self.clipped(key))' is not a parameter name (letters, digits and _)"))
                continue
            }
            if let first = firstLine[key] {
                diagnostics.append(LessonDiagnostic(file: file, line: i + 1, "duplicate key '\(Self.clipped(key))' (first set on line \(first))"))
                continue
            }
            firstLine[key] = i + 1
            entries.append(ParameterEntry(key: key, value: value, line: i + 1))
        }
        return FrontMatter(entries: entries, bodyStart: closing.map { $0 + 1 } ?? end, closed: closing != nil)
    }

    /// Text from the lesson cut to a readable length for a message.
    static func clipped(_ s: String) -> String { s.count > 60 ? String(s.prefix(60)) + "…" : s }

    /// Splits a cell's `#|` option lines from its code.
    static func cell(info: String, literal: String, fenceLine: Int, fenceColumn: Int, file: String, into diagnostics: inout [LessonDiagnostic])
        -> Cell?
    {
        var options: [CellOption] = []
        var seen = Set<String>()
        var codeLines: [String] = []
        var inOptions = true
        var step: CellOption?
        var id: CellOption?
        let lines = literal.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (offset, line) in lines.enumerated() {
            let lineNumber = fenceLine + 1 + offset
            if inOptions && line.hasPrefix("#|") {
                let content = line.dropFirst(2)
                guard let colon = content.firstIndex(of: ":") else {
                    diagnostics.append(LessonDiagnostic(file: file, line: lineNumber, column: 4, "expected `#| key: value`, got '\(clipped(line))'"))
                    continue
                }
                let key = content[..<colon].trimmingCharacters(in: .whitespaces)
                let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                let column =
                    fenceColumn + 2 + (content.distance(from: content.startIndex, to: content.firstIndex { $0 != " " } ?? content.startIndex))
                let option = CellOption(key: key, value: value, line: lineNumber, column: column)
                guard seen.insert(key).inserted else {
                    diagnostics.append(
                        LessonDiagnostic(file: file, line: lineNumber, column: column, "option '\(clipped(key))' is given twice in this cell"))
                    continue
                }
                switch key {
                case "step": step = option
                case "id": id = option
                default: options.append(option)
                }
            } else {
                inOptions = false
                codeLines.append(line)
            }
        }
        guard let step else {
            diagnostics.append(LessonDiagnostic(file: file, line: fenceLine + 1, column: 1, "cell has `#|` options but no `#| step: …`"))
            return nil
        }
        while codeLines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { codeLines.removeLast() }
        return Cell(
            step: step.value, id: id?.value ?? step.value, options: options, code: codeLines.joined(separator: "\n"),
            language: info.split(separator: " ").first.map(String.init) ?? "", line: fenceLine, stepLine: step.line,
            stepColumn: step.column, idOption: id)
    }
}
