import LessonKit
import Markup
import Rendering
import Testing

/// Prose between cells is split at its last heading: what comes before closes the previous step.
@Suite struct LessonSectionsTests {
    @Test func tinyLesson() throws {
        let sections = LessonSections(try Fixtures.tiny().segments)
        #expect(sections.title?.plainText == "A tiny create_cnn")
        #expect(sections.intro.count == 2, "a paragraph and the code block")
        #expect(
            sections.steps.map(\.result.cell.step) == ["data", "cnn_config", "create_body", "num_features", "create_head", "sequential", "forward"])
        #expect(sections.steps.map { $0.heading?.plainText } == ["The data", "Look up and cut", nil, "Count and build", nil, nil, nil])
        #expect(sections.steps[0].tail.count == 1, "'5 classes.' closes the data step")
        #expect(sections.steps[6].tail.count == 1)
        #expect(sections.outro.count == 2, "## What next and its paragraph")
    }

    @Test func demotingKeepsTheOutline() {
        let blocks = CommonMark.parse("# One\n\n## Two\n\n#### Four\n\n> # Quoted").blocks
        let levels = LessonSections.demoted(blocks, to: 3).flatMap { block -> [Int] in
            switch block.kind {
            case .heading(let level, _): [level]
            case .blockQuote(let inner): inner.compactMap { if case .heading(let l, _) = $0.kind { l } else { nil } }
            default: []
            }
        }
        #expect(levels == [3, 3, 4, 3])
    }

    @Test func proseWithoutCells() {
        let sections = LessonSections([.prose("# Title\n\nJust words.\n\n## More\n")])
        #expect(sections.title?.plainText == "Title")
        #expect(sections.steps.isEmpty)
        #expect(sections.intro.count == 2)
    }
}
