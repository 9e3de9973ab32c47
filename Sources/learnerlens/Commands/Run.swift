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
        _ = try Settings.overrides(settings)
        if let step, step < 1 { throw ValidationError("--step must be 1 or more, got \(step)") }
    }

    var overrides: [(String, String)] { (try? Settings.overrides(settings)) ?? [] }

    func run() throws {
        try reportingErrors {
            let session = try LessonSession(lesson: BuiltinLessons.load(lesson), overrides: overrides)
            session.context.progress = StepProgressDisplay(enabled: Terminal.stderrIsTTY).callback
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
        var segments = try session.runAll()
        segments = HeaderNotes.inserted(version: session.versionNote, weights: session.weightsUsed, into: segments)
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
