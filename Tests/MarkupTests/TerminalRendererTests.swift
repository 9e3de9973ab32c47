import Foundation
import Testing

@testable import Markup

/// A step output as a lesson would print it: every block and inline kind at least once.
private let sample = """
    # Fine-tuning a *pretrained* ResNet

    We replace the head of a **ResNet-34** and train only the new layers first. The body keeps
    its ImageNet weights; see [the fastai docs](https://docs.fast.ai/vision.learner.html) or
    <https://pytorch.org> for details, and call `learn.freeze()` before `fit_one_cycle(1, 1e-3)`.
    A very long code span stays whole: `learn.fit_one_cycle(4, max_lr=slice(1e-6, 1e-4))`.

    ## The new head

    | layer | output shape | params | trainable |
    |:------|:------------:|-------:|-----------|
    | `AdaptiveConcatPool2d` | 1024 × 1 × 1 | 0 | – |
    | `BatchNorm1d(1024)` | 1024 | 2,048 | **yes** |
    | `Linear(1024, 512)` | 512 | 524,800 | yes |
    | 中文 | 🙂 | 1 \\| 2 | *maybe* |

    ### Steps

    1. Create the learner:
       ```python
       learn = cnn_learner(data, models.resnet34, metrics=error_rate)
       ```
    2. Train the head.

    3. Unfreeze and train everything with discriminative learning rates, lower for the early
       layers and higher for the head.

    - frozen: conv1, layer1–layer4
      - BatchNorm layers stay *trainable*
    - trainable: the head
    - ![a diagram](img/head.png)

    > **Note:** the first epoch is slow
    > because the data is cached.
    >
    > > Nested quote with a line\\
    > > break.

    ---

    <div class="hidden">raw html is dropped</div>

    Inline <kbd>Ctrl</kbd>-C HTML is dropped too.

    """

@Suite struct TerminalRendererTests {
    @Test func plainGolden() {
        GoldenFile.check(TerminalRenderer(color: false, width: 72).render(CommonMark.parse(sample)), against: "terminal-plain.txt")
    }

    @Test func colorGolden() {
        GoldenFile.check(TerminalRenderer(color: true, width: 72).render(CommonMark.parse(sample)), against: "terminal-color.txt")
    }

    @Test func narrowGolden() {
        GoldenFile.check(TerminalRenderer(color: false, width: 36).render(CommonMark.parse(sample)), against: "terminal-narrow.txt")
    }

    @Test(arguments: [20, 36, 50, 72, 100])
    func paragraphsFitTheWidth(width: Int) {
        let document = CommonMark.parse(
            "Some *emphasised words*, **strong ones**, [links](u) and `code` in a paragraph that goes on and on "
                + "so that it has to wrap several times, even when the terminal is rather wide.\n\n"
                + "> quoted text is also wrapped, with its bar, at the same width as the rest\n\n"
                + "- list items too, with their hanging indentation kept on every line")
        for color in [false, true] {
            let output = TerminalRenderer(color: color, width: width).render(document)
            for line in output.split(separator: "\n") {
                #expect(DisplayWidth.of(stripANSI(String(line))) <= width, "\(line)")
            }
        }
    }

    @Test func escapeCodesDoNotCountAsWidth() {
        let document = CommonMark.parse("**bold** *italic* `code` plain words to fill the line up nicely and wrap")
        let plain = TerminalRenderer(color: false, width: 30).render(document)
        let colored = TerminalRenderer(color: true, width: 30).render(document)
        #expect(colored != plain)
        #expect(stripANSI(colored) == plain)
    }

    @Test func codeSpansNeverBreak() {
        let document = CommonMark.parse("word `a code span with spaces` word")
        let output = TerminalRenderer(color: false, width: 12).render(document)
        #expect(output == "word\na code span with spaces\nword\n")
    }

    @Test func plainModeHasNoMarkdownLeftovers() {
        let output = TerminalRenderer(color: false).render(CommonMark.parse("*a* **b** _c_ `d` <i>e</i>"))
        #expect(output == "a b c d e\n")
    }

    @Test func links() {
        let plain = TerminalRenderer(color: false).render(CommonMark.parse("[docs](https://x.y) <https://a.b> <me@x.y>"))
        #expect(plain == "docs (https://x.y) https://a.b me@x.y\n")
        let colored = TerminalRenderer(color: true).render(CommonMark.parse("[docs](https://x.y)"))
        #expect(colored == "\u{1B}[4;34mdocs\u{1B}[0m \u{1B}[2m(https://x.y)\u{1B}[0m\n")
    }

    @Test func headingsInPlainMode() {
        let output = TerminalRenderer(color: false).render(CommonMark.parse("# Top\n\n## *Second* level\n\ntext"))
        #expect(output == "Top\n===\n\nSecond level\n------------\n\ntext\n")
    }

    @Test func tableColumnsAlignOnVisibleWidth() {
        let document = CommonMark.parse("| a | b |\n|--:|:-:|\n| **bold** | `c` |\n| 中文字 | xyz12 |\n")
        let plain = TerminalRenderer(color: false).render(document)
        #expect(plain == "     a    b\n──────  ─────\n  bold    c\n中文字  xyz12\n")
        #expect(stripANSI(TerminalRenderer(color: true).render(document)) == plain)
    }

    @Test func rawHTMLIsDropped() {
        #expect(TerminalRenderer(color: false).render(CommonMark.parse("<div>\nx\n</div>\n")) == "")
        #expect(TerminalRenderer(color: false).render(CommonMark.parse("a\n\n<div>x</div>\n\nb")) == "a\n\nb\n")
    }

    @Test func emptyDocument() {
        #expect(TerminalRenderer(color: true).render(Document(blocks: [])) == "")
    }

    @Test func deterministic() {
        let document = CommonMark.parse(sample)
        let renderer = TerminalRenderer(color: true, width: 60)
        #expect(renderer.render(document) == renderer.render(document))
    }

    @Test func displayWidth() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("中文") == 4)
        #expect(DisplayWidth.of("🙂") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("\u{1B}") == 0)
    }
}

/// The text without ANSI SGR escape sequences.
func stripANSI(_ text: String) -> String {
    var result = ""
    var inEscape = false
    for scalar in text.unicodeScalars {
        if inEscape {
            if scalar == "m" { inEscape = false }
        } else if scalar == "\u{1B}" {
            inEscape = true
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}
