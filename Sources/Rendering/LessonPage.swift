import LessonKit
import Markup

/// One lesson as a readable web page: every step a section with its code, what it computed, the
/// lesson's prose and the model so far as a diagram; a table of contents and step-to-step links.
public struct LessonPage: Sendable {
    public var run: LessonRun
    /// Renders lesson Markdown; safe (cmark's default) unless the lesson is trusted.
    public var renderer: HTMLRenderer
    public var version: String
    /// Sibling files to link to, when the site has them.
    public var slides: String?
    public var notebook: String?

    public init(run: LessonRun, renderer: HTMLRenderer, version: String, slides: String? = nil, notebook: String? = nil) {
        self.run = run
        self.renderer = renderer
        self.version = version
        self.slides = slides
        self.notebook = notebook
    }

    /// The page's file name.
    public var fileName: String { run.stem + ".html" }

    /// Lesson prose as HTML, headings demoted to `level`; Python code blocks get highlighted.
    func markdown(_ blocks: [Block], level: Int) -> String {
        var html = ""
        var run: [Block] = []
        func flush() {
            if !run.isEmpty { html += renderer.render(Document(blocks: LessonSections.demoted(run, to: level))) }
            run = []
        }
        for block in blocks {
            if case .codeBlock(let info, let literal, true) = block.kind, info.split(separator: " ").first == "python" {
                flush()
                html += PageTemplate.code(literal.hasSuffix("\n") ? String(literal.dropLast()) : literal, language: "python")
            } else {
                run.append(block)
            }
        }
        flush()
        return html
    }

    /// Tables get a wrapper that scrolls sideways on a narrow screen instead of overflowing.
    static func scrollableTables(_ html: String) -> String {
        html.replacingOccurrences(of: "<table>", with: "<div class=\"table-scroll\"><table>")
            .replacingOccurrences(of: "</table>", with: "</table></div>")
    }

    public func html() -> String {
        let sections = LessonSections(run.segments)
        let total = run.stepCount
        let title = run.parameters.title
        let titleHTML = sections.title.map { renderer.render($0) } ?? HTMLText.escape(title)
        var body = "<a class=\"skip\" href=\"#main\">Skip to the lesson</a>\n"
        var links = ["<a href=\"index.html\">All lessons</a>"]
        if let slides { links.append("<a href=\"\(slides)\">Slides</a>") }
        if let notebook { links.append("<a href=\"\(notebook)\">Notebook (.ipynb)</a>") }
        body += "<nav class=\"crumbs\" aria-label=\"Site\">\(links.joined(separator: " <span aria-hidden=\"true\">·</span> "))</nav>\n"
        body += "<div class=\"layout\">\n"
        body += toc(sections)
        body += "<main id=\"main\">\n<article>\n<header class=\"page-head\">\n<h1>\(titleHTML)</h1>\n"
        if !run.summary.isEmpty { body += "<p class=\"summary\">\(HTMLText.escape(run.summary))</p>\n" }
        if let note = run.versionNote {
            body += "<div class=\"version-note\">\n" + markdown(CommonMark.parse(VersionNoteText.markdown(note)).blocks, level: 2) + "</div>\n"
        }
        if let weights = HeaderNotes.weights(run.weights) {
            body += "<div class=\"weights-note\">\n" + markdown(CommonMark.parse(weights).blocks, level: 2) + "</div>\n"
        }
        body += PageTemplate.parameters(run.parameters.facts) + "</header>\n"
        if !sections.intro.isEmpty {
            body += "<section class=\"intro\" id=\"intro\" aria-label=\"Introduction\">\n" + markdown(sections.intro, level: 2) + "</section>\n"
        }
        var previous = Pipeline()
        for (i, step) in sections.steps.enumerated() {
            body += section(
                step, of: total, previous: previous, before: i > 0 ? sections.steps[i - 1] : nil,
                after: i + 1 < sections.steps.count ? sections.steps[i + 1] : nil)
            previous = step.result.pipeline
        }
        if !sections.outro.isEmpty {
            body +=
                "<section class=\"outro\" id=\"outro\" aria-label=\"\(HTMLText.escape(Self.outroTitle(sections)))\">\n"
                + markdown(sections.outro, level: 2) + "</section>\n"
        }
        body += "</article>\n</main>\n</div>\n" + PageTemplate.footer(version: version, source: run.lesson.file)
        return PageTemplate.document(
            title: "\(title) · LearnerLens", description: run.summary, bodyClass: "lesson", version: version,
            body: body)
    }

    /// The closing part's name: its heading, or "Conclusion".
    static func outroTitle(_ sections: LessonSections) -> String {
        if let first = sections.outro.first, case .heading(_, let inlines) = first.kind { return inlines.plainText }
        return "Conclusion"
    }

    func toc(_ sections: LessonSections) -> String {
        var items: [String] = []
        if !sections.intro.isEmpty { items.append("<li><a href=\"#intro\">Introduction</a></li>") }
        for s in sections.steps {
            items.append(
                "<li><a href=\"#step-\(s.result.index)\">\(HTMLText.escape(s.plainTitle))</a></li>")
        }
        if !sections.outro.isEmpty { items.append("<li><a href=\"#outro\">\(HTMLText.escape(Self.outroTitle(sections)))</a></li>") }
        return "<nav class=\"toc\" id=\"contents\" aria-label=\"Contents\">\n<h2>Steps</h2>\n<ol>\n" + items.joined(separator: "\n")
            + "\n</ol>\n</nav>\n"
    }

    func section(_ step: LessonSections.Step, of total: Int, previous: Pipeline, before: LessonSections.Step?, after: LessonSections.Step?) -> String
    {
        let r = step.result
        let id = "step-\(r.index)"
        let heading = step.heading.map { renderer.render($0) } ?? HTMLText.escape(r.title)
        var out = "<section class=\"step\" id=\"\(id)\" aria-labelledby=\"\(id)-h\">\n<header class=\"step-head\">\n"
        out += "<p class=\"kicker\">\(PageTemplate.kicker(r, of: total, withTitle: step.heading != nil))</p>\n"
        out += "<h2 id=\"\(id)-h\">\(heading)</h2>\n</header>\n"
        out += markdown(step.lead, level: 3)
        out += "<div class=\"cell\">\n<p class=\"cell-label\">fastai</p>\n" + PageTemplate.code(r.cell) + "</div>\n"
        out += "<div class=\"output\" role=\"group\" aria-label=\"What step \(r.index) computed\">\n"
        out += Self.scrollableTables(renderer.render(CommonMark.parse(r.markdown))) + "</div>\n"
        out += figure(r, previous: previous)
        for (i, f) in r.figures.enumerated() { out += FigureView.html(f, idPrefix: "f\(r.index)-\(i)") }
        out += Self.scrollableTables(markdown(step.tail, level: 3))
        var nav: [String] = []
        if let before {
            nav.append("<a class=\"prev\" rel=\"prev\" href=\"#step-\(before.result.index)\">← \(HTMLText.escape(before.plainTitle))</a>")
        } else {
            nav.append("<a class=\"prev\" rel=\"prev\" href=\"#main\">← Top</a>")
        }
        nav.append("<a class=\"up\" href=\"#contents\">Contents</a>")
        if let after { nav.append("<a class=\"next\" rel=\"next\" href=\"#step-\(after.result.index)\">\(HTMLText.escape(after.plainTitle)) →</a>") }
        out += "<nav class=\"step-nav\" aria-label=\"Step \(r.index) navigation\">\n" + nav.joined(separator: "\n") + "\n</nav>\n</section>\n"
        return out
    }

    func figure(_ r: StepResult, previous: Pipeline) -> String {
        let diagram = PipelineDiagram(
            pipeline: r.pipeline, previous: previous, columns: 7, idPrefix: "d\(r.index)", title: "The model after step \(r.index), \(r.cell.step)")
        let svg = diagram.svg()
        guard !svg.isEmpty else { return "" }
        let changed = r.pipeline != previous
        let caption = changed ? "The model so far. Highlighted: what step \(r.index) added or changed." : "The model so far, unchanged by this step."
        return "<figure class=\"diagram\(changed ? "" : " unchanged")\">\n\(svg)\n<figcaption>\(caption)</figcaption>\n</figure>\n"
    }
}
