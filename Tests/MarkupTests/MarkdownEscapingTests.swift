import Testing

@testable import Markup

/// Parses escaped text and returns the plain text of its single paragraph (`nil` otherwise).
private func roundTrip(_ text: String) -> String? {
    let document = CommonMark.parse(MarkdownEscaping.escape(text))
    if text.isEmpty { return document.blocks.isEmpty ? "" : nil }
    guard document.blocks.count == 1, case .paragraph(let inlines) = document.blocks[0].kind else { return nil }
    // Only text: no emphasis, links, code or HTML crept in.
    guard inlines.allSatisfy({ if case .text = $0 { true } else { false } }) else { return nil }
    return inlines.plainText
}

/// A small deterministic generator (SplitMix64), so random cases are the same on every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let alphabet: [Character] =
    Array(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCZ[\\]^_`abcxyz{|}~") + ["\n", "\r", "\t", "\u{0B}", "\u{0C}"]
    + ["é", "中", "🙂", "\u{00A0}", "e\u{301}", "&", "&amp;", "&#10;", "<script>", "{{", "}}", "**", "__", "```", "1.", "- "]
    .flatMap { Array($0) }

private func randomStrings(count: Int, seed: UInt64) -> [String] {
    var generator = SplitMix64(state: seed)
    return (0..<count).map { _ in
        let length = Int.random(in: 0...24, using: &generator)
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

@Suite struct MarkdownEscapingTests {
    @Test(arguments: [
        "<script>alert(1)</script>", "{{x}}", "a | b", "*not emphasis*", "_nor this_", "# not a heading",
        "- not a list", "+ nor this", "1. not ordered", "2) nor this", "> not a quote", "---", "===", "***",
        "    not code", "trailing spaces  ", "\ttab", "line\nbreak", "windows\r\nline", "back\\slash\\",
        "&amp; &#10; &copy;", "[x](y)", "![i](j)", "`code`", "<div>", "<https://x.y>", "~~strike~~", "$x^2$",
        "100%", "C:\\path\\to", "a\u{0B}", "\u{0C}", "   ", "é 中 🙂", "loss=0.25, acc=97.1%", "",
    ])
    func roundTrips(text: String) {
        #expect(roundTrip(text) == text, "escaped: \(MarkdownEscaping.escape(text))")
    }

    @Test func randomStringsRoundTrip() {
        for text in randomStrings(count: 2000, seed: 42) {
            #expect(roundTrip(text) == text, "escaped: \(MarkdownEscaping.escape(text).debugDescription)")
        }
    }

    @Test func escapedTextIsOneLine() {
        for text in randomStrings(count: 200, seed: 7) {
            let escaped = MarkdownEscaping.escape(text)
            #expect(!escaped.contains("\n") && !escaped.contains("\r"))
        }
    }

    @Test func readableForCommonText() {
        #expect(MarkdownEscaping.escape("Accuracy: 97.5% after 3 epochs") == "Accuracy: 97.5% after 3 epochs")
        #expect(MarkdownEscaping.escape("{{x}} | *y*") == "\\{\\{x\\}\\} \\| \\*y\\*")
        #expect(MarkdownEscaping.escape("1. x") == "1\\. x")
        #expect(MarkdownEscaping.escape(" a ") == "&#32;a&#32;")
    }

    @Test func escapedTextInsideOtherMarkup() {
        let hostile = ["a | b", "*x*", "</td>", "`", "\\", "]", "#", "-"]
        for text in hostile {
            let cell = MarkdownEscaping.escape(text)
            let document = CommonMark.parse("| \(cell) | b |\n|---|---|\n| \(cell) | \(cell) |\n")
            guard case .table(_, let header, let rows)? = document.blocks.first?.kind else {
                Issue.record("not a table for \(text)")
                continue
            }
            #expect(header[0].plainText == text)
            #expect(rows[0].map(\.plainText) == [text, text])

            let item = CommonMark.parse("- \(MarkdownEscaping.escape(text))\n").blocks.first
            #expect(item?.children.first?.inlines == [.text(text)])
            let heading = CommonMark.parse("## \(MarkdownEscaping.escape(text))\n").blocks.first
            #expect(heading?.kind == .heading(level: 2, [.text(text)]))
        }
    }

    @Test(arguments: [
        ("x", "`x`"), ("a`b", "``a`b``"), ("`", "`` ` ``"), ("``a", "``` ``a ```"), (" a ", "`  a  `"),
        ("  ", "`  `"), ("a\nb", "`a b`"), ("", ""),
    ])
    func codeSpans(code: String, expected: String) {
        #expect(MarkdownEscaping.codeSpan(code) == expected)
    }

    @Test func codeSpansRoundTrip() {
        for text in randomStrings(count: 1000, seed: 99) where !text.isEmpty {
            let span = MarkdownEscaping.codeSpan(text)
            let expected = String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
            #expect(CommonMark.parseInline(span) == [.code(expected)], "span: \(span.debugDescription)")
        }
    }

    @Test func codeSpanInTableCell() {
        let span = MarkdownEscaping.codeSpan("a | b", inTableCell: true)
        #expect(span == "`a \\| b`")
        let document = CommonMark.parse("| \(span) |\n|---|\n")
        guard case .table(_, let header, _)? = document.blocks.first?.kind else {
            Issue.record("not a table")
            return
        }
        #expect(header == [[.code("a | b")]])
    }
}
