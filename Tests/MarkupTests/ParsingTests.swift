import Testing

@testable import Markup

/// The first block of a parsed document, for short tests.
private func firstBlock(_ markdown: String) -> Block? {
    CommonMark.parse(markdown).blocks.first
}

private func inlines(_ markdown: String) -> [Inline] {
    firstBlock(markdown)?.inlines ?? []
}

@Suite struct BlockParsingTests {
    @Test func paragraphKeepsItsPosition() {
        let block = firstBlock("\n\n  Hello *world*\n  again\n")
        #expect(block?.kind == .paragraph([.text("Hello "), .emphasis([.text("world")]), .softBreak, .text("again")]))
        #expect(block?.position == SourcePosition(line: 3, column: 3))
        #expect(block?.range.end == SourcePosition(line: 4, column: 7))
        #expect(block?.position.description == "3:3")
    }

    @Test func headings() {
        let document = CommonMark.parse("# One\n\nTwo\n===\n\n### Three ###\n\nFour\n----\n")
        let kinds = document.blocks.map(\.kind)
        #expect(
            kinds == [
                .heading(level: 1, [.text("One")]), .heading(level: 1, [.text("Two")]),
                .heading(level: 3, [.text("Three")]), .heading(level: 2, [.text("Four")]),
            ])
        #expect(document.blocks.map(\.position.line) == [1, 3, 6, 8])
    }

    @Test func fencedCodeBlockWithInfo() {
        let block = firstBlock("Text\n\n```python title=x\nprint(1)\n\n```\n")
        #expect(block?.kind == .paragraph([.text("Text")]))
        let code = CommonMark.parse("Text\n\n```python title=x\nprint(1)\n\n```\n").blocks[1]
        #expect(code.kind == .codeBlock(info: "python title=x", literal: "print(1)\n\n", fenced: true))
        #expect(code.range == SourceRange(start: .init(line: 3, column: 1), end: .init(line: 6, column: 3)))
    }

    @Test func fencedWithoutInfoAndIndentedCode() {
        let document = CommonMark.parse("~~~\nx\n~~~\n\n    ```\n    y\n\n- item\n\n      ```\n      z\n")
        #expect(document.blocks[0].kind == .codeBlock(info: "", literal: "x\n", fenced: true))
        // Indented code whose first line looks like a fence is still indented code.
        #expect(document.blocks[1].kind == .codeBlock(info: "", literal: "```\ny\n", fenced: false))
        #expect(document.blocks[1].position == SourcePosition(line: 5, column: 5))
        guard case .list(_, _, _, let items) = document.blocks[2].kind else {
            Issue.record("expected a list")
            return
        }
        #expect(items[0][1].kind == .codeBlock(info: "", literal: "```\nz\n", fenced: false))
    }

    @Test func fenceLineRepeatedInsideTheCode() {
        let block = firstBlock("```python\n```python\n```\n")
        #expect(block?.kind == .codeBlock(info: "python", literal: "```python\n", fenced: true))
        let empty = firstBlock("```\n```\n")
        #expect(empty?.kind == .codeBlock(info: "", literal: "", fenced: true))
    }

    @Test func codeBlocksInsideAQuote() {
        let quote = CommonMark.parse("> ```\n> x\n> ```\n>\n>     y\n").blocks[0].children
        #expect(
            quote.map(\.kind) == [
                .codeBlock(info: "", literal: "x\n", fenced: true), .codeBlock(info: "", literal: "y\n", fenced: false),
            ])
        #expect(quote.map(\.position) == [.init(line: 1, column: 3), .init(line: 5, column: 7)])
    }

    @Test func htmlBlock() {
        let block = firstBlock("<div class=\"x\">\n*hi*\n</div>\n")
        #expect(block?.kind == .htmlBlock("<div class=\"x\">\n*hi*\n</div>\n"))
    }

    @Test func blockQuoteWithPositions() {
        let block = firstBlock("> # Title\n> text\n")
        guard case .blockQuote(let children) = block?.kind else {
            Issue.record("expected a quote")
            return
        }
        #expect(children.map(\.kind) == [.heading(level: 1, [.text("Title")]), .paragraph([.text("text")])])
        #expect(children.map(\.position) == [.init(line: 1, column: 3), .init(line: 2, column: 3)])
    }

    @Test func tightBulletList() {
        let block = firstBlock("- a\n- b\n  - c\n")
        #expect(
            block?.removingSourceRanges().kind
                == .list(
                    ordered: false, start: 1, tight: true,
                    items: [
                        [Block(.paragraph([.text("a")]))],
                        [
                            Block(.paragraph([.text("b")])),
                            Block(
                                .list(ordered: false, start: 1, tight: true, items: [[Block(.paragraph([.text("c")]))]])
                            ),
                        ],
                    ]))
        // The list ends on its last line with content, not on a following blank line.
        #expect(CommonMark.parse("- a\n- b\n\n\nafter\n").blocks[0].range.end == SourcePosition(line: 2, column: 3))
    }

    @Test func looseOrderedListWithStart() {
        let block = firstBlock("3. x\n\n4. y\n")
        guard case .list(let ordered, let start, let tight, let items) = block?.kind else {
            Issue.record("expected a list")
            return
        }
        #expect(ordered && start == 3 && !tight)
        #expect(items.map { $0.map(\.position) } == [[.init(line: 1, column: 4)], [.init(line: 3, column: 4)]])
    }

    @Test func emptyListItem() {
        let block = firstBlock("-\n- b\n")
        guard case .list(_, _, _, let items) = block?.kind else {
            Issue.record("expected a list")
            return
        }
        #expect(items.count == 2 && items[0].isEmpty)
    }

    @Test func thematicBreak() {
        let document = CommonMark.parse("a\n\n* * *\n")
        #expect(document.blocks[1].kind == .thematicBreak)
        #expect(document.blocks[1].position == SourcePosition(line: 3, column: 1))
    }

    @Test func emptyAndBlankDocuments() {
        #expect(CommonMark.parse("").blocks.isEmpty)
        #expect(CommonMark.parse("\n\n   \n").blocks.isEmpty)
    }

    @Test func crlfLineEndings() {
        let document = CommonMark.parse("# A\r\n\r\ntext\r\n| a |\r\n|---|\r\n\r\n```\r\ncode\r\n```\r\n")
        #expect(document.blocks[0].kind == .heading(level: 1, [.text("A")]))
        #expect(
            document.blocks[1].kind
                == .paragraph([.text("text"), .softBreak, .text("| a |"), .softBreak, .text("|---|")]))
        #expect(document.blocks[2].position.line == 7)
        guard case .codeBlock(_, _, let fenced) = document.blocks[2].kind else {
            Issue.record("expected code")
            return
        }
        #expect(fenced)
    }

    @Test func crlfIndentedCode() {
        let block = firstBlock("    code\r\n    more\r\n")
        guard case .codeBlock(_, let literal, let fenced)? = block?.kind else {
            Issue.record("expected code")
            return
        }
        #expect(!fenced)
        #expect(literal == "code\nmore\n")
    }

    @Test func deepNestingIsFlattenedNotFatal() {
        let quotes = CommonMark.parse(String(repeating: ">", count: 20_000) + " deep\n")
        var depth = 0
        quotes.walk { _, level in depth = max(depth, level) }
        #expect(depth == 64)
        #expect(quotes.allBlocks.last?.kind == .paragraph([.text("deep")]))
        #expect(TerminalRenderer(color: false).render(quotes).hasSuffix("│ deep\n"))

        let stars = String(repeating: "*", count: 5_000)
        let emphasis = CommonMark.parse(stars + "x" + stars)
        #expect(emphasis.blocks.first?.inlines?.plainText == "x")
        #expect(HTMLRenderer().render(emphasis).contains("x"))
    }

    @Test func nulBecomesReplacementCharacter() {
        #expect(inlines("a\u{0}b") == [.text("a\u{FFFD}b")])
    }

    @Test func columnsCountUTF8Bytes() {
        let document = CommonMark.parse("> é > x\n\n- 中\n")
        #expect(document.blocks[0].children[0].position == SourcePosition(line: 1, column: 3))
        #expect(document.blocks[1].range.end == SourcePosition(line: 3, column: 5))
    }
}

@Suite struct InlineParsingTests {
    @Test func textCodeEmphasisStrong() {
        #expect(
            inlines("a `b` *c* **d** _e_ __f__")
                == [
                    .text("a "), .code("b"), .text(" "), .emphasis([.text("c")]), .text(" "),
                    .strong([.text("d")]), .text(" "), .emphasis([.text("e")]), .text(" "), .strong([.text("f")]),
                ])
    }

    @Test func linksAndImages() {
        #expect(
            inlines("[see *this*](https://x.org/a?b=1&c=2 \"Title\")")
                == [
                    .link(
                        destination: "https://x.org/a?b=1&c=2", title: "Title",
                        children: [.text("see "), .emphasis([.text("this")])])
                ])
        #expect(
            inlines("![a **cat**](cat.png)")
                == [.image(source: "cat.png", title: "", alt: [.text("a "), .strong([.text("cat")])])])
        #expect(
            inlines("<https://a.b>") == [.link(destination: "https://a.b", title: "", children: [.text("https://a.b")])]
        )
        #expect(
            inlines("[r][ref]\n\n[ref]: /url 'T'") == [.link(destination: "/url", title: "T", children: [.text("r")])])
    }

    @Test func breaks() {
        #expect(inlines("a\nb") == [.text("a"), .softBreak, .text("b")])
        #expect(inlines("a  \nb") == [.text("a"), .lineBreak, .text("b")])
        #expect(inlines("a\\\nb") == [.text("a"), .lineBreak, .text("b")])
    }

    @Test func inlineHTML() {
        #expect(inlines("press <kbd>C</kbd>") == [.text("press "), .html("<kbd>"), .text("C"), .html("</kbd>")])
    }

    @Test func escapesAndEntitiesAreResolved() {
        #expect(inlines("\\*a\\* &amp; &lt;b&gt; &#10;").plainText == "*a* & <b> \n")
    }

    @Test func plainText() {
        let text = inlines("Hi *there*, `x` [link](u) ![alt *t*](i.png) <b>bold</b>\nnext  \nlast").plainText
        #expect(text == "Hi there, x link alt t bold next\nlast")
    }

    @Test func smartPunctuationOption() {
        let parsed = CommonMark.parse("\"quote\" -- it's...", options: [.smartPunctuation])
        #expect(parsed.blocks.first?.inlines?.plainText == "\u{201C}quote\u{201D} \u{2013} it\u{2019}s\u{2026}")
    }

    @Test(arguments: [
        ("# 1", [Inline.text("# 1")]),
        ("- x", [.text("- x")]),
        ("> y", [.text("> y")]),
        ("12. z", [.text("12. z")]),
        ("[a]: /b", [.text("[a]: /b")]),
        ("***", [.text("***")]),
        ("<br>", [.html("<br>")]),
        ("  *a*  ", [.emphasis([.text("a")])]),
        ("", []),
    ])
    func parseInlineKeepsBlockSyntaxLiteral(line: String, expected: [Inline]) {
        #expect(CommonMark.parseInline(line) == expected)
    }
}

@Suite struct WalkingTests {
    let document = CommonMark.parse("# A\n\n> p\n>\n> - x\n>   - y\n\n## B\n")

    @Test func walkVisitsDepthFirstWithDepth() {
        var visited: [String] = []
        document.walk { block, depth in
            let name: String
            switch block.kind {
            case .heading: name = "h"
            case .blockQuote: name = "q"
            case .list: name = "l"
            case .paragraph(let inlines): name = inlines.plainText
            default: name = "?"
            }
            visited.append("\(depth)\(name)")
        }
        #expect(visited == ["0h", "0q", "1p", "1l", "2x", "2l", "3y", "0h"])
        #expect(document.allBlocks.count == 8)
    }

    @Test func headingsAndPlainText() {
        #expect(document.headings.map(\.text.plainText) == ["A", "B"])
        #expect(document.headings.map(\.position.line) == [1, 8])
        #expect(document.blocks[1].plainText == "p\n\nx\n\ny")
    }

    @Test func removingSourceRangesIgnoresPositions() {
        #expect(CommonMark.parse("x").removingSourceRanges() == CommonMark.parse("\n\n  x").removingSourceRanges())
        #expect(CommonMark.parse("x") != CommonMark.parse("\n\n  x"))
    }
}
