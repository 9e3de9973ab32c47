import Foundation
import LessonKit
import Rendering

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal's settings before raw mode, restored on every way out (including Ctrl-C).
nonisolated(unsafe) private var savedTermios = termios()
nonisolated(unsafe) private var rawModeActive = false

private func restoreTerminal() {
    if rawModeActive {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTermios)
        rawModeActive = false
    }
}

/// Step-by-step mode: show a step's code, wait for a key, run it, show the result.
///
/// A step reads as in every other output (`LessonParts`): its header, the prose leading to it, the
/// code; once run, its result and the prose that explains it — the words after the cell, up to the
/// next step's heading, which may cite what the step just computed.
final class Interactive {
    let session: LessonSession
    let color: Bool
    let start: Int
    /// The prose before cell `i` (1-based; `stepCount + 1` is the closing prose), resolved once,
    /// right before cell `i` runs, so going back shows the same words.
    private var gaps: [Int: String] = [:]

    init(session: LessonSession, color: Bool, start: Int) {
        self.session = session
        self.color = color
        self.start = start
    }

    func run() throws {
        enterRawMode()
        defer { restoreTerminal() }
        var current = start
        // Steps before --step run silently so the notebook state is there.
        while session.results.count < current - 1 { try session.runNext() }
        if current == 1 {
            // The notes under the title: which fastai the code shows (the weights are known only once
            // create_body has run, and its result says which it loaded).
            var intro = LessonParts.splitBetweenCells(try gap(before: 1)).before
            if case .prose(let text)? = HeaderNotes.inserted(version: session.versionNote, weights: [], into: [.prose(intro)]).first { intro = text }
            if !intro.isEmpty { Output.write(render(intro)) }
        }
        try show(current)
        while true {
            switch readKey() {
            case "q", "Q", nil:
                Output.write(style("\nStopped at step \(current)/\(session.stepCount).\n", dim: true))
                return
            case "b", "B":
                current = max(1, current - 1)
                try show(current)
            case "\r", "\n", " ":
                if session.results.count < current {
                    let r = try session.runNext()
                    Output.write(render(r.markdown))
                    for f in r.figures { Output.write(FigureView.terminal(f, color: color, width: Terminal.width).joined(separator: "\n") + "\n\n") }
                    Output.write(style("(\(String(format: "%.2f", r.seconds)) s)\n", dim: true))
                    try writeTail(of: current)
                }
                if current == session.stepCount {
                    let outro = LessonParts.splitAfterLastCell(try gap(before: current + 1)).outro
                    if !outro.isEmpty { Output.write(render(outro)) }
                    Output.write(style("\nLesson finished: \(session.stepCount) steps.\n", dim: true))
                    return
                }
                current += 1
                try show(current)
            default:
                Output.write(style("Enter or space: run · b: back · q: quit\n", dim: true))
            }
        }
    }

    /// The resolved prose between cell `index - 1` and cell `index`.
    func gap(before index: Int) throws -> String {
        if let text = gaps[index] { return text }
        let chunks = index > session.stepCount ? session.closingProse : session.prose(before: index)
        let text = try chunks.map { try session.resolve($0) }.joined(separator: "\n\n")
        gaps[index] = text
        return text
    }

    /// The words after step `index` that belong to it (they may cite its facts, so only once it ran).
    func tail(of index: Int) throws -> String {
        let after = try gap(before: index + 1)
        return index == session.stepCount ? LessonParts.splitAfterLastCell(after).tail : LessonParts.splitBetweenCells(after).before
    }

    func writeTail(of index: Int) throws {
        let text = try tail(of: index)
        if !text.isEmpty { Output.write(render(text)) }
    }

    /// The step's header, the prose leading to it, its code, and its result and explanation if it already ran.
    func show(_ index: Int) throws {
        let cell = session.cells[index - 1]
        let width = Terminal.width
        var md = LessonParts.splitBetweenCells(try gap(before: index)).lead
        Output.write("\n" + style(String(repeating: "─", count: width), dim: true) + "\n")
        Output.write(style("Step \(index)/\(session.stepCount) · \(cell.step)", dim: false) + "\n")
        if !md.isEmpty { md += "\n\n" }
        md += "```python\n\(cell.code)\n```\n"
        Output.write(render(md))
        if session.results.count >= index {
            Output.write(render(session.results[index - 1].markdown))
            for f in session.results[index - 1].figures {
                Output.write(FigureView.terminal(f, color: color, width: Terminal.width).joined(separator: "\n") + "\n\n")
            }
            try writeTail(of: index)
            Output.write(style("[Enter] next · [b] back · [q] quit\n", dim: true))
        } else {
            Output.write(style("[Enter] run · [b] back · [q] quit\n", dim: true))
        }
    }

    func render(_ markdown: String) -> String {
        LessonOutput.terminal(markdown, color: color, width: Terminal.width)
    }

    func style(_ s: String, dim: Bool) -> String {
        guard color else { return s }
        return (dim ? "\u{1B}[2m" : "\u{1B}[1;36m") + s + "\u{1B}[0m"
    }

    func enterRawMode() {
        guard tcgetattr(STDIN_FILENO, &savedTermios) == 0 else { return }
        var raw = savedTermios
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        rawModeActive = true
        // Ctrl-C must reach us even if whoever started us blocked it.
        var wanted = sigset_t()
        sigemptyset(&wanted)
        sigaddset(&wanted, SIGINT)
        sigaddset(&wanted, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        signal(SIGINT) { _ in
            restoreTerminal()
            _exit(130)
        }
        signal(SIGTERM) { _ in
            restoreTerminal()
            _exit(143)
        }
    }

    /// One key, or nil at end of input.
    func readKey() -> Character? {
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 { return Character(UnicodeScalar(byte)) }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }
}
