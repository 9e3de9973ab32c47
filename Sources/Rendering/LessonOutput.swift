import Foundation
import LessonKit
import Markup

/// The formats `learnerlens run` writes.
public enum LessonFormat: String, CaseIterable, Sendable {
    case ansi, plain, markdown, json
}

/// Turns an executed lesson into Markdown, terminal text or JSON. Formats values; computes nothing.
public enum LessonOutput {
    /// The heading line of a step: `Step 3/9 · create_body — Cut the body`.
    public static func heading(_ r: StepResult, of total: Int) -> String {
        "Step \(r.index)/\(total) · \(r.cell.step) — \(r.title)"
    }

    /// A step as Markdown: heading, the fastai code, then what it computed.
    public static func markdown(_ r: StepResult, of total: Int) -> String {
        let fence = r.cell.code.contains("```") ? "~~~~" : "```"
        return "#### \(MarkdownEscaping.escape(heading(r, of: total)))\n\n\(fence)\(r.cell.language.isEmpty ? "python" : r.cell.language)\n\(r.cell.code)\n\(fence)\n\n\(r.markdown)"
    }

    /// The whole run as one Markdown document.
    public static func markdown(_ segments: [RunSegment], total: Int) -> String {
        segments.map {
            switch $0 {
            case .prose(let text): text.trimmingCharacters(in: .newlines) + "\n"
            case .step(let r): markdown(r, of: total)
            }
        }.joined(separator: "\n")
    }

    /// Markdown shown in a terminal, with or without colour.
    public static func terminal(_ markdown: String, color: Bool, width: Int) -> String {
        TerminalRenderer(color: color, width: width).render(CommonMark.parse(markdown))
    }

    /// The documented JSON: `{ "lesson": {…}, "steps": [ { index, step, id, code, facts, markdown } ] }`.
    public static func json(_ session: LessonSession) -> String {
        struct Step: Encodable {
            var index: Int, step: String, id: String, title: String, code: String, line: Int
            var facts: Facts
            var markdown: String
        }
        struct LessonInfo: Encodable {
            var name: String, file: String, title: String
            var parameters: FactValue
        }
        struct Document: Encodable {
            var lesson: LessonInfo
            var steps: [Step]
        }
        let doc = Document(
            lesson: LessonInfo(
                name: session.lesson.name, file: session.lesson.file, title: session.parameters.title,
                parameters: session.parameters.facts),
            steps: session.results.map {
                Step(
                    index: $0.index, step: $0.cell.step, id: $0.cell.id, title: $0.title, code: $0.cell.code, line: $0.cell.line,
                    facts: $0.facts, markdown: $0.markdown)
            })
        return Format.json(doc) + "\n"
    }
}
