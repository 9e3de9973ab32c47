import Foundation
import LessonKit
import Testing

@Suite struct LessonParserTests {
    @Test func cellsProseAndPositions() throws {
        let lesson = try LessonParser.read(Support.fixture("small.md"))
        #expect(lesson.title == "A small lesson")
        #expect(lesson.cells.map(\.step) == [
            "data", "cnn_config", "create_body", "num_features", "create_head", "sequential", "learner", "split", "freeze",
            "freeze", "apply_init", "forward",
        ])
        let head = lesson.cells[4]
        #expect(head.line == 38 && head.stepLine == 39 && head.stepColumn == 4)
        #expect(head.option("ps")?.value == "[0.1, 0.2]")
        #expect(head.code == "head = create_head(nf, data.c, lin_ftrs, ps)")
        #expect(lesson.cells[9].id == "thaw")
        guard case .prose(let p) = lesson.items[2] else { Issue.record("expected prose"); return }
        #expect(p.markdown.contains("There are {{c}} classes"))
    }

    @Test(arguments: [
        ("", "t.md:1:1: the lesson is empty"),
        ("# no front matter\n", "t.md:1:1: a lesson starts with front matter"),
        ("---\ntitle: x\n", "t.md:1:1: front matter is not closed"),
        ("---\ntitle: x\ntitle: y\n---\n", "t.md:3:1: duplicate key 'title' (first set on line 2)"),
        ("---\ntitle x\n---\n", "t.md:2:1: expected `key: value` in the front matter"),
        ("---\narch: resnet18\n---\n", "t.md:1:1: front matter has no title"),
        ("---\ntitle: x\n---\n\n```python\n#| stpe: data\nx\n```\n", "t.md:6:1: cell has `#|` options but no `#| step: …`"),
    ])
    func structuralErrors(source: String, expected: String) {
        let found = Support.diagnostics(source)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test func nonUTF8NamesTheLine() {
        var data = Data("---\ntitle: x\n---\nok\n".utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0x0A])
        #expect(throws: LessonErrors.self) { try LessonParser.parse(data, file: "bad.md") }
        do { _ = try LessonParser.parse(data, file: "bad.md") } catch {
            #expect(error.description == "bad.md:5:1: not valid UTF-8 text; save the lesson as UTF-8")
        }
    }

    @Test func hugeFilesAndDirectoriesAreRefused() {
        let big = Data(repeating: UInt8(ascii: "a"), count: LessonParser.maxBytes + 1)
        #expect(throws: LessonErrors.self) { try LessonParser.parse(big, file: "big.md") }
        do { _ = try LessonParser.read(Support.here) } catch {
            #expect(error.description.hasSuffix("is a directory; expected a lesson file (.md)"))
        }
    }
}
