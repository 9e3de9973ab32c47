import Markup

/// `{{fact}}` placeholders in lesson prose.
///
/// Values are escaped for where they land: Markdown-escaped in text, verbatim inside code spans
/// and code blocks (where Markdown means nothing), so a value can never become markup.
public enum Template {
    /// One placeholder: its dotted path and where it stands.
    public struct Placeholder: Sendable, Equatable {
        public var path: [String]
        public var raw: String
        public var line: Int
        public var column: Int
        public var inCode: Bool
    }

    /// Finds every placeholder in `markdown`, whose first line is `line` of the lesson file.
    public static func placeholders(in markdown: String, line: Int) -> [Placeholder] {
        var found: [Placeholder] = []
        scan(markdown, line: line) { p, _ in
            found.append(p)
            return nil
        }
        return found
    }

    /// Replaces every placeholder with `value(path)`'s prose; the first failure is reported.
    public static func resolve(
        _ markdown: String, line: Int, file: String, _ value: ([String]) -> Result<FactValue, StepError>
    ) throws(LessonDiagnostic) -> String {
        var failure: LessonDiagnostic?
        let out = scan(markdown, line: line) { p, _ in
            switch value(p.path) {
            case .success(let v): return p.inCode ? v.prose.replacingOccurrences(of: "`", with: "'") : MarkdownEscaping.escape(v.prose)
            case .failure(let e):
                if failure == nil { failure = LessonDiagnostic(file: file, line: p.line, column: p.column, e.message) }
                return p.raw
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Walks the text, tracking code spans (by backtick run length) and fenced blocks, and hands each
    /// placeholder to `replace`; returns the text with replacements.
    @discardableResult
    static func scan(_ text: String, line firstLine: Int, _ replace: (Placeholder, String) -> String?) -> String {
        var out = ""
        var lineNumber = firstLine
        var inFence: String?
        var openTicks = 0
        for (i, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i > 0 {
                out.append("\n")
                lineNumber += 1
            }
            let lineText = String(rawLine)
            let trimmed = lineText.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { openTicks = 0 }
            if let fence = inFence {
                if trimmed.hasPrefix(fence) { inFence = nil }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence = String(trimmed.prefix { $0 == trimmed.first })
                out.append(lineText)
                continue
            }
            let chars = Array(lineText)
            var j = 0
            var column = 1
            while j < chars.count {
                if chars[j] == "`" {
                    var run = 0
                    while j < chars.count && chars[j] == "`" { run += 1; j += 1 }
                    if openTicks == 0 { openTicks = run } else if openTicks == run { openTicks = 0 }
                    out.append(String(repeating: "`", count: run))
                    column += run
                    continue
                }
                if chars[j] == "{", j + 1 < chars.count, chars[j + 1] == "{",
                    let close = (j + 2..<max(j + 2, chars.count - 1)).first(where: { chars[$0] == "}" && chars[$0 + 1] == "}" })
                {
                    let raw = String(chars[j...(close + 1)])
                    let inner = String(chars[(j + 2)..<close]).trimmingCharacters(in: .whitespaces)
                    let p = Placeholder(
                        path: inner.split(separator: ".", omittingEmptySubsequences: false).map(String.init), raw: raw,
                        line: lineNumber, column: column, inCode: inFence != nil || openTicks > 0)
                    out.append(replace(p, raw) ?? raw)
                    column += close + 2 - j
                    j = close + 2
                    continue
                }
                out.append(chars[j])
                column += String(chars[j]).utf8.count
                j += 1
            }
        }
        return out
    }
}
