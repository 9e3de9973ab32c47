import LessonKit
import Testing

@Suite struct TemplateTests {
    func resolve(_ text: String, _ value: FactValue) throws -> String {
        try Template.resolve(text, line: 1, file: "t.md") { _ in .success(value) }
    }

    @Test func valuesAreEscapedInTextAndVerbatimInCode() throws {
        #expect(try resolve("a {{x}} b", .text("<script>")) == "a \\<script\\> b")
        #expect(try resolve("`{{x}}`", .shape([1, 2])) == "`[1, 2]`")
        #expect(try resolve("```\n{{x}}\n```", .text("<b>")) == "```\n<b>\n```")
        #expect(try resolve("{{ x }}", .int(21_831_525)) == "21,831,525")
        #expect(try resolve("{{x}}", .int(1024)) == "1024")
    }

    @Test func failuresPointAtThePlaceholder() {
        do {
            _ = try Template.resolve("ok\n  and {{missing}}", line: 10, file: "t.md") { _ in .failure(StepError("no fact 'missing'")) }
            Issue.record("must fail")
        } catch {
            #expect(error.description == "t.md:11:7: no fact 'missing'")
        }
    }

    @Test func placeholdersKnowTheirPaths() {
        let found = Template.placeholders(in: "{{a.b.0}} `{{c}}`", line: 3)
        #expect(found.map(\.path) == [["a", "b", "0"], ["c"]])
        #expect(found.map(\.inCode) == [false, true])
    }

    @Test func unclosedOpeningsAreFoundAtTheirByteColumn() {
        let scan = Template.analyse("a {{b\n{{c}} {{d\né {{x", line: 5)
        #expect(scan.unclosed.map(\.description) == ["5:3", "6:7", "7:4"])
        #expect(scan.placeholders.map(\.path) == [["c"]])
    }

    /// `{{a {{b}}`: the first `{{` reaches another `{{` before any `}}`, so it is the unclosed one.
    @Test func anOpeningBeforeAnotherOpeningIsUnclosed() {
        let scan = Template.analyse("{{a {{b}} and {{{{{{c}}", line: 1)
        #expect(scan.unclosed.map(\.column) == [1, 15])
        #expect(scan.placeholders.map(\.path) == [["b"], ["c"]])
        #expect(scan.placeholders.map(\.column) == [5, 19])
    }

    @Test func aBackslashMakesALiteralOpening() throws {
        #expect(Template.analyse("\\{{x}} and \\{{ alone", line: 1) == Template.Scan())
        #expect(try resolve("\\{{x}}", .int(1)) == "\\{{x}}")
    }

    @Test func resolvingAnUnclosedOpeningFails() {
        do {
            _ = try Template.resolve("ok {{x}} and {{y", line: 3, file: "t.md") { _ in .success(.int(1)) }
            Issue.record("must fail")
        } catch {
            #expect(error.description == "t.md:3:14: \(Template.unclosedMessage)")
        }
    }

    /// CommonMark: a fence closes only with a run of its own character at least as long.
    @Test func aShorterFenceDoesNotCloseALongerOne() {
        let found = Template.placeholders(in: "````\n```\n{{a}}\n````\n{{b}}\n~~~\n{{c}}\n```\n~~~\n{{d}}", line: 1)
        #expect(found.map(\.inCode) == [true, false, true, false])
    }

    /// The scan reads each byte once: lines that used to take minutes (every `{{` searched the rest
    /// of the line for its `}}`) are one diagnostic each.
    @Test func pathologicalLinesScanInOnePass() {
        let openings = String(repeating: "{{", count: 500_000)
        #expect(Template.analyse(openings, line: 1).unclosed.map(\.description) == ["1:1"])
        let chained = String(repeating: "{{a", count: 300_000) + "}}"
        let scan = Template.analyse(chained, line: 1)
        #expect(scan.unclosed.map(\.description) == ["1:1"])
        #expect(scan.placeholders.map(\.column) == [899_998])
        let ticks = "a" + String(repeating: "`", count: 1_000_000) + "{{x}}"
        #expect(Template.placeholders(in: ticks, line: 1).map(\.inCode) == [true])
    }
}
