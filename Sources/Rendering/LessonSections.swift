import LessonKit
import Markup

/// A lesson cut into what a page shows: an introduction, one section per step, a closing part.
///
/// Prose between two cells usually finishes talking about the first cell and then, from a
/// heading on, introduces the next one. So each such chunk is split at its last heading (level
/// 2 or deeper): what stands before it closes the previous step's section, the heading and what
/// follows open the next one, and the heading becomes that section's title. Prose after the last
/// cell is split at its first heading instead, into the last step's closing words and an outro.
public struct LessonSections: Sendable {
    /// One step's section.
    public struct Step: Sendable {
        public var result: StepResult
        /// The lesson's heading for the step, if its prose gave one.
        public var heading: [Inline]?
        /// Prose between that heading and the cell.
        public var lead: [Block]
        /// Prose after the cell, before the next step's heading.
        public var tail: [Block]

        /// The heading as plain text, or the step type's title.
        public var plainTitle: String { heading.map(\.plainText) ?? result.title }
    }

    /// A level-1 heading that opened the lesson (shown as the page title).
    public var title: [Inline]?
    public var intro: [Block] = []
    public var steps: [Step] = []
    public var outro: [Block] = []

    public init(_ segments: [RunSegment]) {
        var pending: [Block] = []
        var seenStep = false
        for segment in segments {
            switch segment {
            case .prose(let text):
                pending += CommonMark.parse(text).blocks
            case .step(let r):
                if !seenStep, let first = pending.first, case .heading(1, let inlines) = first.kind {
                    title = inlines
                    pending.removeFirst()
                }
                let cut = pending.lastIndex { if case .heading(let level, _) = $0.kind { level >= 2 } else { false } }
                let before = Array(pending[..<(cut ?? pending.count)])
                var lead = Array(pending[(cut ?? pending.count)...])
                if seenStep { steps[steps.count - 1].tail = before } else { intro = before }
                var heading: [Inline]?
                if let first = lead.first, case .heading(_, let inlines) = first.kind {
                    heading = inlines
                    lead.removeFirst()
                }
                steps.append(Step(result: r, heading: heading, lead: lead, tail: []))
                pending = []
                seenStep = true
            }
        }
        guard seenStep else {
            if let first = pending.first, case .heading(1, let inlines) = first.kind {
                title = inlines
                pending.removeFirst()
            }
            intro = pending
            return
        }
        let cut = pending.firstIndex { if case .heading(let level, _) = $0.kind { level >= 2 } else { false } }
        steps[steps.count - 1].tail = Array(pending[..<(cut ?? pending.count)])
        outro = Array(pending[(cut ?? pending.count)...])
    }

    /// Blocks with every heading moved down to at least `level`, so a page's outline stays
    /// h1 → h2 → h3 whatever levels the lesson used.
    public static func demoted(_ blocks: [Block], to level: Int) -> [Block] {
        blocks.map { block in
            switch block.kind {
            case .heading(let l, let inlines) where l < level: Block(.heading(level: level, inlines), range: block.range)
            case .blockQuote(let inner): Block(.blockQuote(demoted(inner, to: level)), range: block.range)
            default: block
            }
        }
    }
}
