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
}
