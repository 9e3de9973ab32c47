import Foundation
import Rendering
import Testing

/// Lesson Markdown is untrusted by default: nothing in it may become executable markup.
@Suite struct SafetyTests {
    static let evil = """
        ---
        title: <script>alert('title')</script> Evil
        summary: <img src=x onerror=alert('summary')> "quoted" & more
        arch: resnet18
        classes: 3
        image_size: 64
        batch_size: 1
        ---

        # Evil <script>alert('h1')</script>

        <script>alert('block')</script>

        <div onclick="alert('div')">raw block</div>

        Inline <img src=x onerror=alert('inline')> and <img src="x" onerror="alert('valid')"> and [a link](javascript:alert('link')) and
        [another](JAVASCRIPT:alert(1)) and ![img](javascript:alert('img')) and
        <a href="javascript:alert('a')">raw a</a>. The title again: {{title}}.

        ```python
        #| step: data
        data = "</code></pre><script>alert('code')</script>"
        ```

        Summary again: {{summary}} and in code `{{title}}`.
        """

    static func site(unsafe: Bool) throws -> [SiteFile] {
        let run = try Fixtures.run(evil, file: "evil<script>.md")
        let options = SiteOptions(slides: true, notebooks: true, unsafe: unsafe)
        return SiteBuilder(options: options, version: "test", locateWeights: Fixtures.noWeights).files(for: [run])
    }

    /// The one script a site may contain: the slide deck's own.
    static let ownScript = "<script src=\"deck.js\" defer></script>"

    @Test func noExecutableMarkupInAnyPage() throws {
        for file in try Self.site(unsafe: false) where file.name.hasSuffix(".html") {
            let html = file.contents.replacingOccurrences(of: Self.ownScript, with: "")
            let lower = html.lowercased()
            #expect(!lower.contains("<script"), "\(file.name) has a <script>")
            // cmark keeps a Markdown image but empties a dangerous src: `<img src="" …`.
            #expect(!lower.contains("<img src=\"j"), "\(file.name) has an <img> loading javascript:")
            #expect(!lower.contains("<div onclick"), "\(file.name) has a raw <div>")
            #expect(!lower.contains("href=\"javascript:"), "\(file.name) links to javascript:")
            #expect(!lower.contains("src=\"javascript:"), "\(file.name) loads javascript:")
            // Attribute values are quoted and cannot contain a quote, so drop them and look at names.
            let names = lower.replacingOccurrences(of: #""[^"]*""#, with: "\"\"", options: .regularExpression)
            #expect(names.range(of: #"<[a-z][^>]*\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(file.name) has an event handler attribute")
        }
    }

    @Test func titleAndFactValuesAreShownAsText() throws {
        let files = try Self.site(unsafe: false)
        let page = try #require(files.first { $0.name.hasSuffix(".html") && !$0.name.contains("slides") && $0.name != "index.html" })
        #expect(page.name == "evil-script-.html", "the file name is made safe")
        #expect(page.contents.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Evil · LearnerLens</title>"))
        #expect(page.contents.contains("The title again: &lt;script&gt;alert('title')&lt;/script&gt; Evil."), "{{title}} in prose is text")
        #expect(page.contents.contains("<!-- raw HTML omitted -->"))
        #expect(page.contents.contains("<a href=\"\">a link</a>"), "the javascript: URL is dropped")
        let index = try #require(files.first { $0.name == "index.html" })
        #expect(index.contents.contains("&lt;img src=x onerror=alert(&#39;summary&#39;)&gt; &quot;quoted&quot; &amp; more"))
    }

    @Test func notebookHasNoHTMLOutputs() throws {
        let notebook = try #require(try Self.site(unsafe: false).first { $0.name.hasSuffix(".ipynb") })
        #expect(!notebook.contents.contains("text/html"))
    }

    @Test func unsafeIsAnExplicitOptIn() throws {
        let page = try #require(try Self.site(unsafe: true).first { $0.name == "evil-script-.html" })
        #expect(page.contents.contains("<script>alert('block')</script>"), "--unsafe lets raw HTML through")
        #expect(page.contents.contains("href=\"javascript:alert(&#x27;link&#x27;)\""))
        // Front matter and fact values stay text even then: they are not Markdown.
        #expect(page.contents.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Evil · LearnerLens</title>"))
    }
}
