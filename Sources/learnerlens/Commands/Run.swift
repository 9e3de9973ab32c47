import ArgumentParser
import Foundation
import LessonKit
import Rendering

/// `learnerlens run [LESSON]`: a lesson step by step in the terminal, or straight through.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a lesson: each cell executes real tensor code and shows what it computed.",
        discussion: """
            With no LESSON, the built-in Lesson 1. On a terminal it pauses before each step: \
            Enter or space runs it, b goes back, q quits. --no-pause (automatic when input or \
            output is not a terminal) runs straight through.
            """)

    @Argument(help: "A lesson file (.md) or a built-in lesson's name or number.")
    var lesson: String?

    @Flag(help: "Run straight through without waiting for keys.")
    var noPause = false

    @Option(help: "Start at this step (1-based); earlier steps run silently.")
    var step: Int?

    @Option(name: .customLong("set"), help: "Override a lesson parameter, e.g. --set arch=resnet50 (repeatable).")
    var settings: [String] = []

    @Option(help: "Output: ansi, plain, markdown or json (default: ansi on a terminal, plain otherwise).")
    var format: LessonFormat?

    func validate() throws {
        for s in settings where !s.contains("=") {
            throw ValidationError("--set expects key=value, got '\(s)'")
        }
        if let step, step < 1 { throw ValidationError("--step must be 1 or more, got \(step)") }
    }

    var overrides: [(String, String)] {
        settings.map { s in
            let i = s.firstIndex(of: "=")!
            return (String(s[..<i]), String(s[s.index(after: i)...]))
        }
    }

    func run() throws {
        try reportingErrors {
            let session = try LessonSession(lesson: BuiltinLessons.load(lesson), overrides: overrides)
            if let step, step > session.stepCount {
                throw CLIError("--step \(step): the lesson has \(session.stepCount) steps")
            }
            let terminal = Terminal.isInteractive
            let chosen = format ?? (Terminal.stdoutIsTTY && Terminal.colorAllowed ? .ansi : .plain)
            if terminal && !noPause && (chosen == .ansi || chosen == .plain) {
                try Interactive(session: session, color: chosen == .ansi, start: step ?? 1).run()
                return
            }
            try runStraight(session, format: chosen)
        }
    }

    func runStraight(_ session: LessonSession, format: LessonFormat) throws {
        // Every step runs (later ones need the earlier results); output starts at --step.
        let segments = try session.runAll()
        let start = step ?? 1
        switch format {
        case .json: Output.write(LessonOutput.json(session))
        case .markdown: Output.write(LessonOutput.markdown(segments, total: session.stepCount, from: start))
        case .ansi, .plain:
            let md = LessonOutput.markdown(segments, total: session.stepCount, from: start)
            Output.write(LessonOutput.terminal(md, color: format == .ansi, width: Terminal.width))
        }
    }
}

extension LessonFormat: ExpressibleByArgument {}
