import Foundation
import LessonKit
import Testing

/// Inputs the fuzzer (scripts/fuzz.sh lesson, docs/fuzzing.md) found to crash, replayed through
/// the same calls as Fuzz/LessonFuzz.swift: thrown LessonErrors are fine, a trap is not.
@Suite struct LessonFuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func replay(_ name: String) throws {
        let data = try Data(contentsOf: root.appendingPathComponent("Fuzz/regressions/\(name)"))
        do {
            let lesson = try LessonParser.parse(data, file: name)
            _ = try LessonChecker.check(lesson)
        } catch {
            // LessonErrors: the expected outcome for a bad lesson.
        }
    }

    /// `\r\r\r```\n#|`: cmark counts a lone CR as a line ending, the parser counted only LF, so the
    /// cell's cmark line was past the parser's last line (Array index out of range).
    @Test func loneCarriageReturnLineEnding() throws {
        try Self.replay("lesson-lone-cr-line-ending.md")
    }

    @Test func loneCarriageReturnsSplitLinesLikeCmark() throws {
        let text = "---\rtitle: CR only\r---\r\rIntro.\r\r```python\r#| step: data\rdata = ...\r```\r"
        let lesson = try LessonParser.parse(Data(text.utf8), file: "cr.md")
        #expect(lesson.title == "CR only")
        #expect(lesson.cells.map(\.step) == ["data"])
        #expect(lesson.cells.first?.line == 7)
    }
}
