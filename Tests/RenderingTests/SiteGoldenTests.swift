import Foundation
import Rendering
import Testing

/// The generated pages of a small lesson, byte for byte (up to last-digit flicker), and twice the same.
@Suite struct SiteGoldenTests {
    @Test func pagesMatchTheGoldenFiles() throws {
        let files = try Fixtures.tinySite()
        #expect(
            files.map(\.name) == [
                "deck.css", "deck.js", "index.html", "style.css", "tiny-lesson.html", "tiny-lesson.ipynb", "tiny-lesson.slides.html",
                "learnerlens-site.json",
            ])
        for file in files where !file.name.hasSuffix(".css") && !file.name.hasSuffix(".js") {
            Golden.check(file.contents, against: file.name)
        }
    }

    @Test func twoRunsGiveIdenticalBytes() throws {
        let first = try Fixtures.tinySite()
        let second = try Fixtures.tinySite()
        #expect(first.map(\.name) == second.map(\.name))
        for (a, b) in zip(first, second) {
            #expect(a.contents == b.contents, "\(a.name) differs between two runs")
        }
    }

    @Test func everyStepIsASectionWithCodeAndTheDiagramGrowsStepByStep() throws {
        let page = try #require(try Fixtures.tinySite().first { $0.name == "tiny-lesson.html" }).contents
        for n in 1...7 {
            #expect(page.contains("<section class=\"step\" id=\"step-\(n)\""))
            #expect(page.contains("href=\"#step-\(n)\""), "the table of contents links step \(n)")
        }
        // No model before create_body; then one diagram per step, with its own ids.
        #expect(!page.contains("id=\"d1-title\"") && !page.contains("id=\"d2-title\""))
        for n in 3...7 { #expect(page.contains("<title id=\"d\(n)-title\">")) }
        #expect(page.contains("<span class=\"fn\">create_body</span>"), "the fastai line is highlighted")
        #expect(page.contains("<h1>A tiny <code>create_cnn</code></h1>"), "the lesson's own h1 becomes the page title")
        #expect(page.contains("<h2 id=\"step-2-h\">Look up and cut</h2>"), "a heading belongs to the first step after it")
        #expect(page.contains("<h2 id=\"step-6-h\">Join body and head</h2>"), "a step without a heading gets its title")
        #expect(page.contains("id=\"outro\""))
    }

    @Test func measuredNumbersAreShownAtAStablePrecision() throws {
        let run = try Fixtures.tiny()
        let forward = try #require(run.results.last)
        // The step prints three decimals; pages show three significant digits.
        guard case .list(let row)? = forward.facts["first_row"] else {
            Issue.record("no first_row")
            return
        }
        for value in row {
            let printed = value.prose
            let stable = MeasuredPrecision().stable(printed)
            #expect(forward.markdown.contains(stable))
        }
    }
}
