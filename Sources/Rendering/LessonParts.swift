import LessonKit
import Markup

/// A run's prose given to the steps it belongs to, as Markdown text: the one rule every output
/// (terminal, `--format markdown`, pages, slides) uses to decide which words go with which step.
///
/// Prose between two cells usually finishes explaining the first cell's result and then, from a
/// heading on, introduces the next one. So each such chunk is cut at its last heading (level 2 or
/// deeper): what stands before it is the previous step's *tail*, the heading and what follows are
/// the next step's *lead*. Prose before the first cell is cut the same way into the introduction
/// and the first lead; prose after the last cell is cut at its first heading instead, into the
/// last step's tail and the closing part. A step then reads: header, lead, code, result, tail.
public struct LessonParts: Sendable {
    /// One step with its prose.
    public struct Step: Sendable {
        public var result: StepResult
        /// From the lesson's heading for the step (if any) to the cell.
        public var lead: String
        /// After the cell, up to the next step's heading: usually what explains the result.
        public var tail: String
    }

    public var intro = ""
    public var steps: [Step] = []
    public var outro = ""

    public init(_ segments: [RunSegment]) {
        var pending: [String] = []
        for segment in segments {
            switch segment {
            case .prose(let text): pending.append(text)
            case .step(let r):
                let chunk = Self.joined(pending)
                pending = []
                let (before, lead) = Self.splitBetweenCells(chunk)
                if steps.isEmpty { intro = before } else { steps[steps.count - 1].tail = before }
                steps.append(Step(result: r, lead: lead, tail: ""))
            }
        }
        let closing = Self.joined(pending)
        guard !steps.isEmpty else {
            intro = closing
            return
        }
        let (tail, outro) = Self.splitAfterLastCell(closing)
        steps[steps.count - 1].tail = tail
        self.outro = outro
    }

    /// Prose between two cells (or before the first): the part before its last heading closes the
    /// previous step, the heading and the rest open the next one.
    public static func splitBetweenCells(_ markdown: String) -> (before: String, lead: String) {
        split(markdown, atLine: headingLines(markdown).last)
    }

    /// Prose after the last cell: the part before its first heading closes the last step, the rest
    /// is the lesson's closing part.
    public static func splitAfterLastCell(_ markdown: String) -> (tail: String, outro: String) {
        split(markdown, atLine: headingLines(markdown).first)
    }

    /// The prose chunks of one gap between cells, as one text.
    static func joined(_ chunks: [String]) -> String {
        chunks.map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// 1-based lines where a top-level heading of level 2 or deeper starts.
    static func headingLines(_ markdown: String) -> [Int] {
        CommonMark.parse(markdown).blocks.compactMap { block in
            if case .heading(let level, _) = block.kind, level >= 2 { return block.range.start.line }
            return nil
        }
    }

    /// The text before line `line` and from it on (all of it before, when there is no line).
    static func split(_ markdown: String, atLine line: Int?) -> (String, String) {
        guard let line else { return (trimmed(markdown), "") }
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        let cut = min(max(line - 1, 0), lines.count)
        return (trimmed(lines[..<cut].joined(separator: "\n")), trimmed(lines[cut...].joined(separator: "\n")))
    }

    private static func trimmed(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : s.trimmingCharacters(in: .newlines)
    }
}
