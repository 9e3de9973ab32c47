import Foundation
import LessonKit

#if canImport(Glibc)
    import Glibc
#endif

/// What the process is connected to, and output that ends quietly when the reader goes away.
enum Terminal {
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stdinIsTTY: Bool { isatty(STDIN_FILENO) == 1 }
    /// Both ends are a terminal: the only case where waiting for keys makes sense.
    static var isInteractive: Bool { stdoutIsTTY && stdinIsTTY }
    /// `NO_COLOR` (any value) turns colour off, as no-color.org asks.
    static var colorAllowed: Bool { ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    /// The terminal's width now (it may be resized mid-run), or `COLUMNS`, or 80.
    static var width: Int {
        var size = winsize()
        if stdoutIsTTY, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return min(Int(size.ws_col), 120) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 20 { return min(c, 120) }
        return 80
    }
}

/// Writes to standard output; if the reader has gone (`| head`), exits quietly with status 0.
enum Output {
    static func write(_ s: String) {
        signal(SIGPIPE, SIG_IGN)
        var bytes = Array(s.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                exit(0)  // EPIPE: the reader closed the pipe; nothing more to say.
            }
            offset += n
        }
        bytes.removeAll()
    }
}

extension Terminal {
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
}

/// A training step's progress on standard error: a transient line redrawn in place (on a terminal
/// only) and lasting lines (fastai's table rows) printed as they come.
struct StepProgressDisplay: Sendable {
    var enabled: Bool

    var callback: @Sendable (StepProgress) -> Void {
        let enabled = enabled
        return { progress in
            switch progress {
            case .transient(let text):
                guard enabled else { return }
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            case .line(let text):
                FileHandle.standardError.write(Data(((enabled ? "\r\u{1B}[K" : "") + text + "\n").utf8))
            }
        }
    }
}
