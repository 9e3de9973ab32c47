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
        markdown(LessonParts.Step(result: r, lead: "", tail: ""), of: total)
    }

    /// A step with its prose, in reading order: header, the lesson's words leading to it, the
    /// fastai code, what it computed, and the words that explain the result.
    public static func markdown(_ step: LessonParts.Step, of total: Int) -> String {
        let r = step.result
        let fence = r.cell.code.contains("```") ? "~~~~" : "```"
        var out = "#### \(MarkdownEscaping.escape(heading(r, of: total)))\n\n"
        if !step.lead.isEmpty { out += step.lead + "\n\n" }
        out += "\(fence)\(r.cell.language.isEmpty ? "python" : r.cell.language)\n\(r.cell.code)\n\(fence)\n\n\(r.markdown)"
        for f in r.figures {
            // A figure as the terminal draws it without colour, kept as preformatted text.
            out +=
                (out.hasSuffix("\n") ? "\n" : "\n\n") + "```text\n" + FigureView.terminal(f, color: false, width: 80).joined(separator: "\n")
                + "\n```\n"
        }
        if !step.tail.isEmpty { out += (out.hasSuffix("\n") ? "\n" : "\n\n") + step.tail + "\n" }
        return out
    }

    /// The whole run as one Markdown document, from step `start` on (the introduction only when
    /// starting at the first step). Prose is grouped with its step as `LessonParts` says.
    public static func markdown(_ segments: [RunSegment], total: Int, from start: Int = 1) -> String {
        let parts = LessonParts(segments)
        var pieces: [String] = []
        if start <= 1 && !parts.intro.isEmpty { pieces.append(parts.intro + "\n") }
        for step in parts.steps where step.result.index >= start { pieces.append(markdown(step, of: total)) }
        if !parts.outro.isEmpty { pieces.append(parts.outro + "\n") }
        return pieces.joined(separator: "\n")
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
