import Testing

@testable import Markup

private func table(_ markdown: String, options: CommonMark.Options = .default) -> (
    alignments: [Block.Alignment], header: [[Inline]], rows: [[[Inline]]]
)? {
    guard case .table(let alignments, let header, let rows)? = CommonMark.parse(markdown, options: options).blocks.first?.kind
    else { return nil }
    return (alignments, header, rows)
}

@Suite struct TableTests {
    @Test func alignments() {
        let parsed = table("| a | b | c | d |\n|---|:--|:-:|--:|\n| 1 | 2 | 3 | 4 |\n")
        #expect(parsed?.alignments == [.none, .left, .center, .right])
        #expect(parsed?.header == [[.text("a")], [.text("b")], [.text("c")], [.text("d")]])
        #expect(parsed?.rows == [[[.text("1")], [.text("2")], [.text("3")], [.text("4")]]])
    }

    @Test func positionIsTheParagraphs() {
        let document = CommonMark.parse("Intro.\n\n| a |\n| - |\n| 1 |\n")
        #expect(document.blocks[1].range == SourceRange(start: .init(line: 3, column: 1), end: .init(line: 5, column: 5)))
    }

    @Test func inlineMarkdownInCells() {
        let parsed = table("| name | note |\n|---|---|\n| `conv1` | *frozen* and **big** [doc](u) |\n")
        #expect(
            parsed?.rows == [
                [
                    [.code("conv1")],
                    [
                        .emphasis([.text("frozen")]), .text(" and "), .strong([.text("big")]), .text(" "),
                        .link(destination: "u", title: "", children: [.text("doc")]),
                    ],
                ]
            ])
    }

    @Test func escapedPipes() {
        let parsed = table("| expr | code |\n|---|---|\n| a \\| b | `x \\| y` |\n| \\\\\\| | c\\*d |\n")
        #expect(parsed?.rows[0] == [[.text("a | b")], [.code("x | y")]])
        // `\\\|`: an escaped backslash, then an escaped pipe.
        #expect(parsed?.rows[1] == [[.text("\\|")], [.text("c*d")]])
    }

    @Test func rowsArePaddedOrCut() {
        let parsed = table("| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n")
        #expect(parsed?.rows == [[[.text("1")], []], [[.text("1")], [.text("2")]]])
    }

    @Test func withoutOuterTrailingPipes() {
        let parsed = table("| a | b\n|---|---\n| 1 | 2\n")
        #expect(parsed?.header == [[.text("a")], [.text("b")]])
        #expect(parsed?.rows == [[[.text("1")], [.text("2")]]])
    }

    @Test func headerOnlyAndEmptyCells() {
        let parsed = table("| a ||\n|---|---|\n")
        #expect(parsed?.header == [[.text("a")], []])
        #expect(parsed?.rows == [])
    }

    @Test func cellsThatLookLikeBlocksStayText() {
        let parsed = table("| h | i |\n|---|---|\n| # 1 | - x |\n| 2. y | <br> |\n")
        #expect(parsed?.rows == [[[.text("# 1")], [.text("- x")]], [[.text("2. y")], [.html("<br>")]]])
    }

    @Test(arguments: [
        "| just text starting with a pipe |",
        "| a | b |\n| c | d |",
        "| a | b |\n|---|\n| 1 | 2 |",
        "| a |\n|-x-|\n",
        "| a |\n|---|\nnot a row",
        "| a |\n|:|\n",
    ])
    func paragraphsThatAreNotTables(markdown: String) {
        let kind = CommonMark.parse(markdown).blocks.first?.kind
        guard case .paragraph? = kind else {
            Issue.record("expected a paragraph, got \(String(describing: kind))")
            return
        }
    }

    @Test func optionOff() {
        #expect(table("| a |\n|---|\n", options: []) == nil)
        #expect(table("| a |\n|---|\n", options: [.pipeTables]) != nil)
    }

    @Test func escapedLeadingPipeIsNotATable() {
        #expect(table("\\| a |\n|---|\n") == nil)
    }

    @Test func insideQuoteAndListItem() {
        let quoted = CommonMark.parse("> | a | b |\n> |--:|---|\n>| 1 | 2 |\n").blocks[0].children.first
        guard case .table(let alignments, _, let rows)? = quoted?.kind else {
            Issue.record("expected a table in the quote, got \(String(describing: quoted))")
            return
        }
        #expect(alignments == [.right, .none])
        #expect(rows == [[[.text("1")], [.text("2")]]])
        #expect(quoted?.position == SourcePosition(line: 1, column: 3))

        let item = CommonMark.parse("1. Shapes:\n\n   | a |\n   |---|\n   | 1 |\n").blocks[0].children
        guard item.count == 2, case .table(_, let header, _) = item[1].kind else {
            Issue.record("expected a table in the item, got \(item)")
            return
        }
        #expect(header == [[.text("a")]])
    }

    @Test func lazyContinuationLineInQuote() {
        let quoted = CommonMark.parse("> | a |\n|---|\n").blocks[0].children.first
        guard case .table? = quoted?.kind else {
            Issue.record("expected a table, got \(String(describing: quoted))")
            return
        }
    }

    @Test func crlfTable() {
        #expect(table("| a |\r\n|---|\r\n| 1 |\r\n")?.rows == [[[.text("1")]]])
    }

    @Test func unicodeCells() {
        #expect(table("| 形状 | é |\n|---|---|\n| 🙂 | x |\n")?.rows == [[[.text("🙂")], [.text("x")]]])
    }

    @Test func cellSplitting() {
        #expect(PipeTable.cells(of: "| a | b |") == ["a", "b"])
        #expect(PipeTable.cells(of: "|a|b") == ["a", "b"])
        #expect(PipeTable.cells(of: "| a \\| b |") == ["a | b"])
        #expect(PipeTable.cells(of: "| a \\\\| b |") == ["a \\\\", "b"])
        #expect(PipeTable.cells(of: "| trailing \\") == ["trailing \\"])
        #expect(PipeTable.cells(of: "||") == [""])
    }
}
