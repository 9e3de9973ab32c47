import LessonKit
import Rendering
import Testing

/// Which prose goes with which step, and the order `run` prints a step in: header, the prose
/// leading to it, code, result, the prose explaining it.
@Suite struct LessonPartsTests {
    @Test func betweenCellsTheLastHeadingOpensTheNextStep() {
        let chunk = "Explains the last step: {{x}}.\n\n## First\n\nMore.\n\n## Next step\n\nIntroduces it."
        let (before, lead) = LessonParts.splitBetweenCells(chunk)
        #expect(before == "Explains the last step: {{x}}.\n\n## First\n\nMore.")
        #expect(lead == "## Next step\n\nIntroduces it.")
        #expect(LessonParts.splitBetweenCells("Only words.\n") == ("Only words.", ""))
        #expect(LessonParts.splitBetweenCells("# A title is not a step heading\n\nWords.").lead == "")
    }

    @Test func afterTheLastCellTheFirstHeadingOpensTheOutro() {
        let (tail, outro) = LessonParts.splitAfterLastCell("Explains it.\n\n## What next\n\nTrain.\n\n## And then\n")
        #expect(tail == "Explains it.")
        #expect(outro == "## What next\n\nTrain.\n\n## And then")
    }

    /// The tiny lesson: `{{c}} classes.` follows the data cell and cites its fact; `## Look up and
    /// cut` introduces the next cell. Each must print inside its own step.
    @Test func runOutputReadsHeaderLeadCodeResultTail() throws {
        let run = try Fixtures.tiny()
        let md = LessonOutput.markdown(run.segments, total: run.stepCount)
        let order = [
            "# A tiny `create_cnn`", "The whole line, for reference:",
            "#### Step 1/7 · data", "## The data", "data = ImageDataBunch", "`data.c` = **5** classes", "\n5 classes.\n",
            "#### Step 2/7 · cnn\\_config", "## Look up and cut", "meta = cnn_config(arch)",
            "#### Step 3/7 · create\\_body", "The body keeps 8 children",
            "#### Step 4/7 · num\\_features", "## Count and build",
            "#### Step 7/7 · forward", "Scores of the first image", "## What next", "Train it.",
        ]
        var from = md.startIndex
        for text in order {
            let found = try #require(md.range(of: text, range: from..<md.endIndex), "'\(text)' missing or out of order:\n\(md)")
            from = found.upperBound
        }
        let parts = LessonParts(run.segments)
        #expect(parts.steps[0].tail == "5 classes.")
        #expect(parts.steps[1].lead.hasPrefix("## Look up and cut"))
        #expect(parts.steps[1].tail.isEmpty)
    }

    @Test func startingLaterLeavesOutTheEarlierStepsAndTheirWords() throws {
        let run = try Fixtures.tiny()
        let md = LessonOutput.markdown(run.segments, total: run.stepCount, from: 2)
        #expect(md.hasPrefix("#### Step 2/7 · cnn\\_config — Look up the arch's meta\n\n## Look up and cut"))
        #expect(!md.contains("5 classes.") && !md.contains("The whole line"))
        #expect(md.hasSuffix("## What next\n\nTrain it.\n"))
    }
}
