import Testing

@testable import Markup

/// Documents without tables, where our renderer must agree with cmark's byte for byte.
private let referenceCorpus: [String] = [
    "# Heading *one*\n\nSome text with `code` & <b>html</b> \"quotes\" 'apostrophes'.\n",
    "Setext\n---\n\n###### Six\n",
    "```python title=\"x\"\nprint('<hi>')\n```\n\n    indented <code>\n\n~~~\nno info\n~~~\n",
    "> quote\n> > nested\n\n- tight\n- list\n  1. nested\n  2. ordered\n",
    "1. loose\n\n2. list\n\n   continued\n\n7) start\n8) seven\n",
    "- \n- empty item above\n\n- a\n\n  b\n- c\n",
    "[link](http://x.y/a b?c=d&e='f'#g \"T & <t>\") <https://auto.link/x?y=1> <me@mail.org>\n",
    "![alt *with* `code` <i>h</i> [l](u)](img.png \"pic\") ![](data:image/png;base64,AAA=)\n",
    "line  \nbreak\\\nand soft\nbreak\n",
    "<div onclick=\"x()\">\nblock\n</div>\n\ninline <span onmouseover=\"y\">s</span> <!-- c -->\n",
    "***\n\n---\n\n___\n",
    "[js](javascript:alert(1)) [JS](JaVaScRiPt:alert(1)) [vb](vbscript:x) [f](file:///etc/passwd)\n",
    "[d](data:text/html;base64,PHNjcmlwdD4=) [ok](data:image/webp;x) ![g](DATA:IMAGE/GIF;x)\n",
    "Entities: &copy; &#x27; &#0; &nbsp;x &amp;amp;\n",
    "Unicode: é 中文 🙂 and URL [ü](http://ü.example/ä ö)\n",
    "[weird](<a\"b>) [tilde](~user) [brackets](a[b]c) [pipes](a|b) [back](a\\\\b) [caret](a^b)\n",
    "*emphasis **strong** inside*\n\n**strong *em* inside**\n",
    "- [ ] not a task list in plain cmark\n",
    "<script>alert(1)</script>\n\n<style>p{}</style>\n\n<?php x ?>\n\n<!DOCTYPE html>\n\n<![CDATA[x]]>\n",
    "\n",
    "",
]

@Suite struct HTMLRendererTests {
    @Test(arguments: referenceCorpus)
    func safeOutputMatchesCmark(markdown: String) {
        let ours = HTMLRenderer(headingIDs: false).render(CommonMark.parse(markdown))
        #expect(ours == CommonMark.referenceHTML(markdown))
    }

    @Test(arguments: referenceCorpus)
    func unsafeOutputMatchesCmark(markdown: String) {
        let ours = HTMLRenderer(unsafe: true, headingIDs: false).render(CommonMark.parse(markdown))
        #expect(ours == CommonMark.referenceHTML(markdown, unsafe: true))
    }

    @Test func table() {
        let html = HTMLRenderer().render(CommonMark.parse("| a | `b` |\n|:-:|--:|\n| *1* | 2 \\| 3 |\n"))
        #expect(
            html == """
                <table>
                <thead>
                <tr>
                <th style="text-align: center">a</th>
                <th style="text-align: right"><code>b</code></th>
                </tr>
                </thead>
                <tbody>
                <tr>
                <td style="text-align: center"><em>1</em></td>
                <td style="text-align: right">2 | 3</td>
                </tr>
                </tbody>
                </table>

                """)
    }

    @Test func headerOnlyTableHasNoBody() {
        let html = HTMLRenderer().render(CommonMark.parse("| a |\n|---|\n"))
        #expect(html == "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n</table>\n")
    }

    @Test func tableInTightListItem() {
        // A table inside "x" would be one paragraph with it: a table needs its own paragraph.
        let joined = HTMLRenderer().render(CommonMark.parse("- x\n  | a |\n  |---|\n"))
        #expect(joined == "<ul>\n<li>x\n| a |\n|---|</li>\n</ul>\n")
        let only = HTMLRenderer().render(CommonMark.parse("- | a |\n  |---|\n"))
        #expect(only == "<ul>\n<li>\n<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n</table>\n</li>\n</ul>\n")
    }

    @Test func headingIDs() {
        let html = HTMLRenderer().render(CommonMark.parse("# Fine-tune the *Head*!\n\n## Step 1\n\n## Step 1\n\n## !!!\n"))
        #expect(
            html == """
                <h1 id="fine-tune-the-head">Fine-tune the <em>Head</em>!</h1>
                <h2 id="step-1">Step 1</h2>
                <h2 id="step-1-1">Step 1</h2>
                <h2 id="section">!!!</h2>

                """)
    }

    @Test(arguments: [
        ("Hello, World", "hello-world"),
        ("  spaced  out  ", "spaced-out"),
        ("conv1.weight (64×3×7×7)", "conv1-weight-64-3-7-7"),
        ("Überblick: Café", "überblick-café"),
        ("", "section"),
    ])
    func slug(text: String, expected: String) {
        #expect(HTMLRenderer.slug(text) == expected)
    }

    @Test func inlineRendering() {
        let inlines = CommonMark.parseInline("a *b* `<c>` <kbd>d</kbd>")
        #expect(HTMLRenderer().render(inlines) == "a <em>b</em> <code>&lt;c&gt;</code> <!-- raw HTML omitted -->d<!-- raw HTML omitted -->")
        #expect(HTMLRenderer(unsafe: true).render(inlines) == "a <em>b</em> <code>&lt;c&gt;</code> <kbd>d</kbd>")
    }
}
