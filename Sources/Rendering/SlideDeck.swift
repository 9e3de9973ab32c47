import LessonKit
import Markup

/// A lesson as a slide deck: a title slide, then one slide per step with the fastai code on top
/// and what it computed beside the model diagram below.
///
/// Each slide is a 16:9 box sized from the window (`deck.css`); `deck.js` shows one at a time,
/// moves with the arrow keys, Page Up/Down, Home and End, and keeps the step number in the URL
/// fragment (`#3`). Printed, every slide is one 1280×720 px page, so "Print to PDF" gives the deck.
/// Without JavaScript the slides simply stack, and their links still work.
public struct SlideDeck: Sendable {
    public var run: LessonRun
    public var renderer: HTMLRenderer
    public var version: String
    /// The lesson's page, linked from the title slide.
    public var page: String?

    public init(run: LessonRun, renderer: HTMLRenderer, version: String, page: String? = nil) {
        self.run = run
        self.renderer = renderer
        self.version = version
        self.page = page
    }

    /// The deck's file name.
    public var fileName: String { run.stem + ".slides.html" }

    public func html() -> String {
        let sections = LessonSections(run.segments)
        let total = sections.steps.count
        let title = run.parameters.title
        var body = "<main class=\"deck\" aria-label=\"Slides\">\n"
        body += "<section class=\"slide title-slide\" id=\"0\" tabindex=\"-1\" aria-roledescription=\"slide\" aria-label=\"Title\">\n"
        body += "<div class=\"title-block\">\n<p class=\"kicker\">LearnerLens · \(total) steps</p>\n"
        body += "<h1>\(sections.title.map { renderer.render($0) } ?? HTMLText.escape(title))</h1>\n"
        if !run.summary.isEmpty { body += "<p class=\"summary\">\(HTMLText.escape(run.summary))</p>\n" }
        body += PageTemplate.parameters(run.parameters.facts)
        body += "<p class=\"hint\">→, Page Down or Space: next · ←, Page Up: back · Home, End</p>\n"
        var links = ["<a href=\"index.html\">All lessons</a>"]
        if let page { links.insert("<a href=\"\(page)\">Read it as a page</a>", at: 0) }
        body += "<p class=\"links\">\(links.joined(separator: " · "))</p>\n</div>\n"
        body += footer(0, of: total) + "</section>\n"
        var previous = Pipeline()
        for step in sections.steps {
            body += slide(step, of: total, previous: previous)
            previous = step.result.pipeline
        }
        body += "</main>\n"
        return PageTemplate.document(
            title: "\(title) · slides", description: run.summary, bodyClass: "deck-page", stylesheets: ["style.css", "deck.css"],
            script: "deck.js", version: version, body: body)
    }

    func slide(_ step: LessonSections.Step, of total: Int, previous: Pipeline) -> String {
        let r = step.result
        let n = r.index
        let heading = step.heading.map { renderer.render($0) } ?? HTMLText.escape(r.title)
        var out = "<section class=\"slide\" id=\"\(n)\" tabindex=\"-1\" aria-roledescription=\"slide\" aria-labelledby=\"s\(n)-h\">\n"
        out += "<header><p class=\"kicker\">\(PageTemplate.kicker(r, of: total, withTitle: step.heading != nil))</p>\n"
        out += "<h2 id=\"s\(n)-h\">\(heading)</h2></header>\n"
        out += PageTemplate.code(r.cell)
        let svg = PipelineDiagram(
            pipeline: r.pipeline, previous: previous, columns: 4, idPrefix: "s\(n)d", title: "The model after step \(n), \(r.cell.step)"
        ).svg()
        // deck.js shrinks a result that overflows; very long ones start smaller for when it cannot run.
        let density = r.markdown.split(separator: "\n").count > 26 ? " dense" : ""
        let diagram = svg.isEmpty ? "" : "<figure class=\"diagram\">\n\(svg)\n</figure>\n"
        let output =
            "<div class=\"output fit\(density)\">\n" + LessonPage.scrollableTables(renderer.render(CommonMark.parse(r.markdown))) + "</div>\n"
        if r.figures.isEmpty {
            out += "<div class=\"slide-body\(svg.isEmpty ? " wide" : "")\">\n" + output + diagram
        } else {
            // Charts and pictures share the right-hand side with the diagram, each shrunk to its cell (two per row).
            let cells = r.figures.count + (svg.isEmpty ? 0 : 1)
            out += "<div class=\"slide-body with-figures\">\n" + output
            out += "<div class=\"slide-figures\(cells > 1 ? " two-columns" : "")\">\n" + diagram
            for (i, f) in r.figures.enumerated() { out += FigureView.html(f, idPrefix: "s\(n)f\(i)") }
            out += "</div>\n"
        }
        out += "</div>\n" + footer(n, of: total) + "</section>\n"
        return out
    }

    func footer(_ n: Int, of total: Int) -> String {
        var links: [String] = []
        links.append(n > 0 ? "<a rel=\"prev\" href=\"#\(n - 1)\" aria-label=\"Previous slide\">‹</a>" : "<span></span>")
        links.append("<span class=\"count\">\(n == 0 ? "\(total) steps" : "\(n) / \(total)")</span>")
        links.append(n < total ? "<a rel=\"next\" href=\"#\(n + 1)\" aria-label=\"Next slide\">›</a>" : "<span></span>")
        return "<footer class=\"slide-foot\">\(links.joined())</footer>\n"
    }
}
