import LessonKit
import Markup

/// A lesson cut into what a page shows: an introduction, one section per step, a closing part.
///
/// Which prose goes with which step is `LessonParts`' rule (the terminal uses the same one): a
/// chunk between two cells is split at its last heading (level 2 or deeper), the part before it
/// closing the previous step's section, the heading and the rest opening the next one, whose
/// title the heading becomes. Prose after the last cell is split at its first heading instead,
/// into the last step's closing words and an outro.
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
        let parts = LessonParts(segments)
        intro = CommonMark.parse(parts.intro).blocks
        if let first = intro.first, case .heading(1, let inlines) = first.kind {
            title = inlines
            intro.removeFirst()
        }
        steps = parts.steps.map { part in
            var lead = CommonMark.parse(part.lead).blocks
            var heading: [Inline]?
            if let first = lead.first, case .heading(_, let inlines) = first.kind {
                heading = inlines
                lead.removeFirst()
            }
            return Step(result: part.result, heading: heading, lead: lead, tail: CommonMark.parse(part.tail).blocks)
        }
        outro = CommonMark.parse(parts.outro).blocks
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
