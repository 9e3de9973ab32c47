import Rendering
import Testing

/// The highlighter colours tokens and never loses or reorders a character.
@Suite struct PythonHighlighterTests {
    /// The text a browser would show: tags removed, entities decoded.
    static func visible(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func fastaiLine() {
        let html = PythonHighlighter.html("body = create_body(arch(pretrained), ifnone(cut, meta['cut']))")
        #expect(
            html
                == "body = <span class=\"fn\">create_body</span>(<span class=\"fn\">arch</span>(pretrained), <span class=\"fn\">ifnone</span>(cut, meta[<span class=\"st\">&#39;cut&#39;</span>]))"
        )
    }

    @Test func keywordsNumbersCommentsAndBuiltins() {
        let html = PythonHighlighter.html("if pretrained: learn.freeze()  # 2 groups\nx = len(ps) * 0.5")
        #expect(html.contains("<span class=\"kw\">if</span>"))
        #expect(html.contains("learn.<span class=\"fn\">freeze</span>()"))
        #expect(html.contains("<span class=\"cm\"># 2 groups</span>"))
        #expect(html.contains("<span class=\"bi\">len</span>"))
        #expect(html.contains("<span class=\"nu\">0.5</span>"))
    }

    @Test func attributesNamedLikeKeywordsAreNotKeywords() {
        #expect(!PythonHighlighter.html("nn.None").contains("kw"))
    }

    @Test(arguments: [
        "s = f'{x!r}' + rb\"\\x00\" + '''multi\nline'''",
        "print(\"unterminated",
        "a = '<script>' # </code>",
        "λ = 1e-5; n = 0x1F; name_2 = 'it''s'",
        "",
    ])
    func textIsKeptAndEscaped(code: String) {
        let html = PythonHighlighter.html(code)
        #expect(Self.visible(html) == code)
        #expect(!html.contains("<script"))
    }

    @Test func stringsWithPrefixes() {
        #expect(PythonHighlighter.html("f'x'") == "<span class=\"st\">f&#39;x&#39;</span>")
        #expect(PythonHighlighter.html("'a\\'b'") == "<span class=\"st\">&#39;a\\&#39;b&#39;</span>")
    }
}
