import LessonKit

/// The site's front page: every lesson with its title, summary, parameters and links to its
/// page, slides and notebook.
public struct IndexPage: Sendable {
    /// One lesson as the index lists it.
    public struct Entry: Sendable {
        public var run: LessonRun
        public var page: String
        public var slides: String?
        public var notebook: String?

        public init(run: LessonRun, page: String, slides: String? = nil, notebook: String? = nil) {
            self.run = run
            self.page = page
            self.slides = slides
            self.notebook = notebook
        }
    }

    public var entries: [Entry]
    public var version: String

    public init(entries: [Entry], version: String) {
        self.entries = entries
        self.version = version
    }

    public func html() -> String {
        var body = "<a class=\"skip\" href=\"#main\">Skip to the lessons</a>\n<main id=\"main\">\n<header class=\"page-head\">\n"
        body += "<h1>LearnerLens walkthroughs</h1>\n"
        body +=
            "<p class=\"summary\">What goes on behind fastai v1's <code>create_cnn</code>, one line at a time, rebuilt in Swift and run for real: "
        body += "every number on these pages was measured by running the lesson.</p>\n</header>\n"
        body += "<ol class=\"lessons\">\n"
        for e in entries {
            let run = e.run
            body += "<li class=\"lesson-card\">\n<h2><a href=\"\(e.page)\">\(HTMLText.escape(run.parameters.title))</a></h2>\n"
            if !run.summary.isEmpty { body += "<p>\(HTMLText.escape(run.summary))</p>\n" }
            var formats = ["<a href=\"\(e.page)\">Read the walkthrough</a>"]
            if let s = e.slides { formats.append("<a href=\"\(s)\">Slides</a>") }
            if let n = e.notebook { formats.append("<a href=\"\(n)\">Notebook (.ipynb)</a>") }
            body += "<p class=\"formats\">\(formats.joined(separator: " · ")) · \(run.stepCount) steps</p>\n"
            body += PageTemplate.parameters(run.parameters.facts) + "</li>\n"
        }
        body += "</ol>\n</main>\n" + PageTemplate.footer(version: version, source: nil)
        return PageTemplate.document(
            title: "LearnerLens walkthroughs", description: "Walkthroughs of fastai v1's create_cnn, run for real.", bodyClass: "index",
            version: version, body: body)
    }
}
