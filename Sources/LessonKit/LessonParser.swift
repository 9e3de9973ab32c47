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

    /// Parses lesson bytes; `file` names it in diagnostics.
    public static func parse(_ data: Data, file: String) throws(LessonErrors) -> Lesson {
        guard data.count <= maxBytes else { throw LessonErrors([tooBig(data.count, file: file)]) }
        guard let text = String(data: data, encoding: .utf8) else {
            let line = firstInvalidUTF8Line(data)
            throw LessonErrors([LessonDiagnostic(file: file, line: line, "not valid UTF-8 text; save the lesson as UTF-8")])
        }
        return try parse(text, file: file)
    }

    /// Parses lesson text.
    public static func parse(_ text: String, file: String) throws(LessonErrors) -> Lesson {
        var diagnostics: [LessonDiagnostic] = []
        let lines = splitLines(text)
        guard lines.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw LessonErrors([LessonDiagnostic(file: file, line: 1, "the lesson is empty; expected front matter (--- title: … ---) and cells")])
        }
        let (front, bodyStart) = frontMatter(lines, file: file, into: &diagnostics)
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
            guard case .codeBlock(let info, let literal, let fenced) = block.kind, fenced,
                literal.split(separator: "\n", omittingEmptySubsequences: false).first?.hasPrefix("#|") == true
            else { continue }
            let start = block.range.start.line + bodyStart
            let end = block.range.end.line + bodyStart
            flushProse(upTo: start)
            if let cell = cell(info: info, literal: literal, fenceLine: start, fenceColumn: block.range.start.column, file: file, into: &diagnostics) {
                items.append(.cell(cell))
            }
            proseStart = end + 1
        }
        flushProse(upTo: lines.count + 1)
        if !front.contains(where: { $0.key == "title" }) && diagnostics.isEmpty {
            diagnostics.append(LessonDiagnostic(file: file, line: 1, "front matter has no title (add `title: …` between --- lines)"))
        }
        guard diagnostics.isEmpty else { throw LessonErrors(diagnostics) }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return Lesson(file: file, name: name, front: front, items: items)
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

    /// `---` / `key: value` lines / `---` at the top of the file.
    static func frontMatter(_ lines: [String], file: String, into diagnostics: inout [LessonDiagnostic]) -> ([ParameterEntry], Int) {
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            diagnostics.append(LessonDiagnostic(file: file, line: 1, "a lesson starts with front matter: a line '---', `key: value` lines (title first), and '---'"))
            return ([], 0)
        }
        guard let close = lines.indices.dropFirst().first(where: { ["---", "..."].contains(lines[$0].trimmingCharacters(in: .whitespaces)) }) else {
            diagnostics.append(LessonDiagnostic(file: file, line: 1, "front matter is not closed: expected a line '---' after the parameters"))
            return ([], lines.count)
        }
        var entries: [ParameterEntry] = []
        for i in 1..<close {
            let raw = lines[i]
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = raw.firstIndex(of: ":") else {
                diagnostics.append(LessonDiagnostic(file: file, line: i + 1, "expected `key: value` in the front matter, got '\(trimmed)'"))
                continue
            }
            let key = raw[..<colon].trimmingCharacters(in: .whitespaces)
            let value = raw[raw.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                diagnostics.append(LessonDiagnostic(file: file, line: i + 1, "'\(key)' is not a parameter name (letters, digits and _)"))
                continue
            }
            if let first = entries.first(where: { $0.key == key }) {
                diagnostics.append(LessonDiagnostic(file: file, line: i + 1, "duplicate key '\(key)' (first set on line \(first.line))"))
                continue
            }
            entries.append(ParameterEntry(key: key, value: value, line: i + 1))
        }
        return (entries, close + 1)
    }

    /// Splits a cell's `#|` option lines from its code.
    static func cell(info: String, literal: String, fenceLine: Int, fenceColumn: Int, file: String, into diagnostics: inout [LessonDiagnostic]) -> Cell? {
        var options: [CellOption] = []
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
                    diagnostics.append(LessonDiagnostic(file: file, line: lineNumber, column: 4, "expected `#| key: value`, got '\(line)'"))
                    continue
                }
                let key = content[..<colon].trimmingCharacters(in: .whitespaces)
                let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                let column = fenceColumn + 2 + (content.distance(from: content.startIndex, to: content.firstIndex { $0 != " " } ?? content.startIndex))
                let option = CellOption(key: key, value: value, line: lineNumber, column: column)
                if options.contains(where: { $0.key == key }) || (key == "step" && step != nil) || (key == "id" && id != nil) {
                    diagnostics.append(LessonDiagnostic(file: file, line: lineNumber, column: column, "option '\(key)' is given twice in this cell"))
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
            stepColumn: step.column)
    }

    static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var line = 1
        var i = data.startIndex
        while i < data.endIndex {
            let b = data[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if length == 0 || i + length > data.endIndex { return line }
            if (1..<length).contains(where: { data[i + $0] >> 6 != 0b10 }) { return line }
            if b == 0x0A { line += 1 }
            i += length
        }
        return line
    }
}
