import Foundation
import LessonKit
import Testing

@Suite struct LessonParserTests {
    @Test func cellsProseAndPositions() throws {
        let lesson = try LessonParser.read(Support.fixture("small.md"))
        #expect(lesson.title == "A small lesson")
        #expect(
            lesson.cells.map(\.step) == [
                "data", "cnn_config", "create_body", "num_features", "create_head", "sequential", "learner", "split", "freeze",
                "freeze", "apply_init", "forward",
            ])
        let head = lesson.cells[4]
        #expect(head.line == 38 && head.stepLine == 39 && head.stepColumn == 4)
        #expect(head.option("ps")?.value == "[0.1, 0.2]")
        #expect(head.code == "head = create_head(nf, data.c, lin_ftrs, ps)")
        #expect(lesson.cells[9].id == "thaw")
        guard case .prose(let p) = lesson.items[2] else {
            Issue.record("expected prose")
            return
        }
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
            #expect(error.description == "bad.md:5:1: not valid UTF-8: byte 0xFF never appears in UTF-8; save the lesson as UTF-8")
        }
    }

    /// Each kind of invalid UTF-8 at its own line and column (the old check let overlong forms and
    /// surrogates through to the last line, and counted only LF as a line ending).
    @Test(
        arguments: [
            ([0xC0, 0xAF], "byte 0xC0 starts an overlong encoding"),
            ([0xE0, 0x80, 0xAF], "bytes 0xE0 0x80 start an overlong encoding"),
            ([0xF0, 0x80, 0x80, 0xAF], "bytes 0xF0 0x80 start an overlong encoding"),
            ([0xED, 0xA0, 0x80], "bytes 0xED 0xA0 start a UTF-16 surrogate"),
            ([0xED, 0xBF, 0xBF], "bytes 0xED 0xBF start a UTF-16 surrogate"),
            ([0xF4, 0x90, 0x80, 0x80], "bytes 0xF4 0x90 start a code point above U+10FFFF"),
            ([0xF5, 0x80, 0x80, 0x80], "byte 0xF5 starts a code point above U+10FFFF"),
            ([0xE2, 0x82, 0x20], "the 3-byte sequence starting with 0xE2 is cut short after 2 bytes"),
            ([0xBF], "byte 0xBF continues a sequence that never started"),
        ] as [([UInt8], String)])
    func invalidUTF8IsReportedWhereItStands(bytes: [UInt8], reason: String) throws {
        for ending in ["\n", "\r\n", "\r"] {
            var data = Data("---\(ending)title: x\(ending)---\(ending)\(ending)ab ".utf8)
            data.append(contentsOf: bytes)
            data.append(contentsOf: Data(" cd\(ending)\(ending)More prose.\(ending)Last line.\(ending)".utf8))
            let error = try #require(throws: LessonErrors.self) { try LessonParser.parse(data, file: "bad.md") }
            #expect(error.diagnostics.count == 1)
            #expect(error.description.hasPrefix("bad.md:5:4: not valid UTF-8: \(reason)"), "\(error)")
        }
    }

    @Test func everyValidCodePointIsAccepted() throws {
        // 2-, 3- and 4-byte forms at the edges of the ranges the invalid ones border.
        let text = "---\ntitle: é € \u{D7FF} \u{E000} \u{FFFD} 😀 \u{10000} \u{10FFFF}\n---\n"
        let lesson = try LessonParser.parse(Data(text.utf8), file: "ok.md")
        #expect(lesson.title.hasSuffix("\u{10FFFF}"))
    }

    /// A cell opened with four backticks is not closed by three (CommonMark): it would run to the end
    /// of the file and show the next cells as its code.
    @Test func aCellThatNeverClosesSaysWhatItSwallowed() {
        let found = Support.diagnostics(
            Support.lesson("````python\n#| step: data\ndata = ...\n```\n\nProse.\n\n```python\n#| step: cnn_config\nx\n```\n"))
        #expect(
            found == [
                "t.md:8:1: this cell, opened with ````, is never closed: the fence on line 11 is shorter (4 backticks are needed to close it), so it runs to the end of the file and swallows the 1 cell after it (line 15); close it with a line of at least 4 backticks"
            ])
    }

    /// A front-matter slip used to stop everything; now the values and the body are still checked.
    @Test func aFrontMatterErrorDoesNotHideTheRest() {
        let found = Support.diagnostics("---\ntitle: T\nno colon\nclasses: -1\n---\n\nSee {{nope}}.\n")
        #expect(
            found == [
                "t.md:3:1: expected `key: value` in the front matter, got 'no colon'",
                "t.md:4:1: classes must be between 1 and 100000, got -1",
                "t.md:7:5: unknown fact {{nope}}",
            ])
    }

    @Test func hugeDataIsRefusedBeforeParsing() {
        let big = Data(repeating: UInt8(ascii: "a"), count: LessonParser.maxBytes + 1)
        #expect(throws: LessonErrors.self) { try LessonParser.parse(big, file: "big.md") }
    }

    /// The issue's case: a real 10 MB file on disk, refused from its size without being read.
    @Test func aTenMegabyteFileIsRefused() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.md")
        try Data(("---\ntitle: Big\n---\n" + String(repeating: "words ", count: 10_000_000 / 6)).utf8).write(to: file)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        #expect(size >= 10_000_000)
        let error = try #require(throws: LessonErrors.self) { try LessonParser.read(file) }
        #expect(error.description == "\(file.path):1:1: file is \(size) bytes; lessons are limited to 1000000 bytes")
    }

    /// A path that is not a regular file is read only up to the limit (this would never end otherwise).
    @Test func anEndlessStreamIsCutAtTheLimit() throws {
        let error = try #require(throws: LessonErrors.self) { try LessonParser.read(URL(fileURLWithPath: "/dev/zero")) }
        #expect(error.description == "/dev/zero:1:1: file is more than 1000000 bytes; lessons are limited to 1000000 bytes")
    }

    @Test func aDirectoryIsRefused() throws {
        let error = try #require(throws: LessonErrors.self) { try LessonParser.read(Support.here) }
        #expect(error.description == "\(Support.here.path):1:1: is a directory; expected a lesson file (.md)")
    }

    @Test func missingFilesSayWhichPartOfThePathIsWrong() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nope.md")
        let gone = try #require(throws: LessonErrors.self) { try LessonParser.read(missing) }
        #expect(gone.description == "\(missing.path):1:1: no such lesson file")
        let file = dir.appendingPathComponent("notes.txt")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let through = file.appendingPathComponent("x.md")
        let error = try #require(throws: LessonErrors.self) { try LessonParser.read(through) }
        #expect(error.description == "\(through.path):1:1: \(file.path) is a file, not a folder")
    }

    @Test(.enabled(if: Support.permissionsEnforced, "chmod 000 does not stop root from reading"))
    func anUnreadableFileSaysSo() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("locked.md")
        try "---\ntitle: x\n---\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file.path)
        let error = try #require(throws: LessonErrors.self) { try LessonParser.read(file) }
        #expect(error.description == "\(file.path):1:1: cannot be read: permission denied")
    }
}
