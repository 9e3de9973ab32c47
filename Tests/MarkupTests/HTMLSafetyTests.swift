import Testing

@testable import Markup

private func safeHTML(_ markdown: String) -> String {
    HTMLRenderer().render(CommonMark.parse(markdown))
}

private func unsafeHTML(_ markdown: String) -> String {
    HTMLRenderer(unsafe: true).render(CommonMark.parse(markdown))
}

@Suite struct HTMLSafetyTests {
    @Test func scriptBlockIsOmitted() {
        let html = safeHTML("<script>alert(1)</script>\n\ntext\n")
        #expect(html == "<!-- raw HTML omitted -->\n<p>text</p>\n")
    }

    @Test func eventHandlerAttributeIsOmitted() {
        let block = safeHTML("<img src=x onerror=alert(1)>\n")
        #expect(block == "<!-- raw HTML omitted -->\n")
        let inline = safeHTML("look <img src=x onerror=\"alert(1)\"> here\n")
        #expect(inline == "<p>look <!-- raw HTML omitted --> here</p>\n")
        #expect(!inline.contains("onerror"))
    }

    @Test func textThatLooksLikeHTMLIsEscaped() {
        #expect(safeHTML("\\<script>x\\</script> & \"q\"") == "<p>&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;</p>\n")
        #expect(safeHTML("`<script>`") == "<p><code>&lt;script&gt;</code></p>\n")
    }

    @Test(arguments: [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "VBSCRIPT:x",
        "file:///etc/passwd", "FILE:x", "data:text/html;base64,PHNjcmlwdD4=", "data:image/svg+xml,x",
        "Data:,x",
    ])
    func dangerousURLsBecomeEmpty(url: String) {
        #expect(safeHTML("[x](<\(url)>)") == "<p><a href=\"\">x</a></p>\n")
        #expect(safeHTML("![x](<\(url)>)") == "<p><img src=\"\" alt=\"x\" /></p>\n")
    }

    @Test(arguments: [
        "data:image/png;base64,iVBOR", "data:image/gif;base64,R0lG", "data:image/jpeg;base64,/9j/",
        "data:image/webp;base64,UklG", "DATA:IMAGE/PNG;base64,x", "https://example.com/javascript:x",
        "mailto:a@b.c", "#javascript:", "./javascript:x",
    ])
    func harmlessURLsAreKept(url: String) {
        let html = safeHTML("![x](<\(url)>)")
        #expect(html == "<p><img src=\"\(HTMLEscaping.escapeURL(url))\" alt=\"x\" /></p>\n")
        #expect(!HTMLEscaping.escapeURL(url).isEmpty)
    }

    @Test func entityEncodedSchemeIsStillCaught() {
        // cmark decodes entities in URLs before the check.
        #expect(safeHTML("[x](&#106;avascript:alert(1))") == "<p><a href=\"\">x</a></p>\n")
    }

    @Test func attributesAreEscaped() {
        let html = safeHTML("[a](/u\"onclick=x \"t\\\"><script>\")\n\n```\"><script>\nx\n```\n")
        #expect(html.contains("href=\"/u%22onclick=x\""))
        #expect(html.contains("title=\"t&quot;&gt;&lt;script&gt;\""))
        #expect(html.contains("<code class=\"language-&quot;&gt;&lt;script&gt;\">"))
        #expect(!html.contains("<script"))
    }

    @Test func imageAltTextKeepsNoMarkup() {
        let html = safeHTML("![<img src=x onerror=y> *a*](p.png)")
        #expect(html == "<p><img src=\"p.png\" alt=\"&lt;img src=x onerror=y&gt; a\" /></p>\n")
    }

    @Test func unsafeModePassesThrough() {
        #expect(unsafeHTML("<script>alert(1)</script>\n") == "<script>alert(1)</script>\n")
        #expect(unsafeHTML("a <b onclick=\"x\">b</b>") == "<p>a <b onclick=\"x\">b</b></p>\n")
        #expect(unsafeHTML("[x](javascript:alert(1))") == "<p><a href=\"javascript:alert(1)\">x</a></p>\n")
        #expect(unsafeHTML("![x](data:text/html,hi)") == "<p><img src=\"data:text/html,hi\" alt=\"x\" /></p>\n")
    }

    @Test func safeModeMatchesCmarkOnAttacks() {
        let attacks = """
            <a href="javascript:alert(1)">x</a>

            [x](javascript:alert(1)) [y](jav&#x09;ascript:alert(1)) [z](<java\tscript:x>)

            <iframe src="data:text/html,x"></iframe> <svg onload=alert(1)>

            ![i](javascript:alert(1) "t\\"><script>") <img src=x onerror=alert(1)//

            [n]: javascript:alert(1)

            [n] `</code><script>` <!-- <script> -->
            """
        #expect(HTMLRenderer(headingIDs: false).render(CommonMark.parse(attacks)) == CommonMark.referenceHTML(attacks))
    }
}
