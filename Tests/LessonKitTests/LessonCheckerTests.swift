import LessonKit
import Testing

@Suite struct LessonCheckerTests {
    @Test func reportsEveryProblemWithItsPosition() {
        let source = Support.lesson(
            """
            Before anything: {{split}} and {{nonsense}}.

            ```python
            #| step: create_bdy
            x
            ```

            ```python
            #| step: cnn_config
            #| cutt: 3
            meta = cnn_config(arch)
            ```

            ```python
            #| step: create_head
            #| ps: 1.5
            head = …
            ```
            """, front: "title: T\narch: resnet18\nclasses: -2\nps: 2")
        let found = Support.diagnostics(source)
        #expect(found.contains("t.md:4:1: classes must be between 1 and 100000, got -2"))
        #expect(found.contains("t.md:5:1: ps values must be in [0, 1), got 2"))
        #expect(found.contains { $0.hasPrefix("t.md:8:18: {{split}} is used before the step that produces it") })
        #expect(found.contains { $0.hasPrefix("t.md:8:32: unknown fact {{nonsense}}") })
        #expect(found.contains { $0.hasPrefix("t.md:11:4: unknown step type 'create_bdy' (did you mean 'create_body'?)") })
        #expect(found.contains { $0.hasPrefix("t.md:17:4: unknown option 'cutt' for step cnn_config (did you mean 'cut'?)") })
        #expect(found.contains { $0.hasPrefix("t.md:22:4: step create_head needs data, which the data or training_data step makes") })
        #expect(found.contains("t.md:23:4: ps values must be in [0, 1), got 1.5"))
    }

    @Test func unknownParameterSuggestsTheNearest() {
        let found = Support.diagnostics(Support.lesson("", front: "title: T\nimage_sise: 64"))
        #expect(found.first?.hasPrefix("t.md:3:1: unknown parameter 'image_sise' (did you mean 'image_size'?)") == true)
    }

    @Test func overridesAreValidated() throws {
        let lesson = try LessonParser.parse(Support.lesson(""), file: "t.md")
        #expect(throws: LessonErrors.self) { try LessonChecker.check(lesson, overrides: [("arch", "resnet35")]) }
        do { _ = try LessonChecker.check(lesson, overrides: [("arch", "resnet35")]) } catch {
            #expect(error.description.contains("unknown arch 'resnet35' (did you mean 'resnet34'?)"))
        }
        #expect(throws: LessonErrors.self) { try LessonChecker.check(lesson, overrides: [("batch_size", "64"), ("image_size", "1024")]) }
    }

    @Test func aDuplicateCellIdNamesBothLines() {
        let cell = { (step: String, id: String?) in "```python\n#| step: \(step)\n" + (id.map { "#| id: \($0)\n" } ?? "") + "x\n```\n\n" }
        let found = Support.diagnostics(
            Support.lesson(cell("data", nil) + cell("cnn_config", "look") + cell("create_body", "look") + cell("num_features", "data")))
        #expect(
            found == [
                "t.md:21:4: duplicate cell id 'look': this cell's id is already the id of the cell at line 15; give each cell its own `#| id:`",
                "t.md:27:4: duplicate cell id 'data': this cell's id is already the id of the cell at line 9; give each cell its own `#| id:`",
            ])
    }

    /// Two cells of one step type may keep their default id: a citation means the later one.
    @Test func twoCellsOfOneTypeMayShareTheDefaultId() throws {
        let source = Support.lesson(
            "```python\n#| step: data\nx\n```\n\n```python\n#| step: data\n#| id: data\nx\n```\n\nThere are {{data.c}}.\n")
        #expect(Support.diagnostics(source) == [])
    }

    /// The case: `{{` that never closes printed literally and passed check.
    @Test func anUnclosedPlaceholderIsReported() {
        let found = Support.diagnostics(Support.lesson("The arch is {{arch, and {{arch}} is fine.\n"))
        #expect(found == ["t.md:8:13: \(Template.unclosedMessage)"])
    }

    /// Lines that took minutes (a 200 KB line of `{{` took 95 s) are checked in one pass and say
    /// what is wrong once per line. Time is not asserted (machines differ); the suite's run time is
    /// the measurement.
    @Test(arguments: [200_000, LessonParser.maxBytes - 40])
    func pathologicalLinesAreCheckedOnce(bytes: Int) {
        let openings = Support.lesson(String(repeating: "{{", count: bytes / 2) + "\n", front: "title: T")
        #expect(Support.diagnostics(openings) == ["t.md:5:1: \(Template.unclosedMessage)"])
        let braces = Support.lesson(String(repeating: "{", count: bytes) + "\n", front: "title: T")
        #expect(Support.diagnostics(braces) == ["t.md:5:1: \(Template.unclosedMessage)"])
        let name = Support.lesson("{{" + String(repeating: "a", count: bytes) + "}}\n", front: "title: T")
        #expect(Support.diagnostics(name) == ["t.md:5:1: unknown fact {{" + String(repeating: "a", count: 60) + "…}}"])
    }

    /// The title and summary are shown as written (page titles, the index, notebooks), so a
    /// placeholder there would print literally.
    @Test func placeholdersInTheFrontMatterAreReported() {
        let found = Support.diagnostics(Support.lesson("Fine: {{arch}}.\n", front: "title: A {{arch}} lesson\nsummary: ok"))
        #expect(
            found == [
                "t.md:2:1: the title is shown as written: `{{` is not filled in in the front matter (cite facts in the lesson's prose or its # heading)"
            ])
    }
}
