import Fastai
import Foundation
import LessonKit
import NN
import Rendering

/// Lessons for the rendering tests: the tiny fixture lesson, or any Markdown, run without weights.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Pretrained weights are never read in tests: the output must not depend on the machine.
    static func noWeights(_ arch: Architecture) -> PretrainedWeights { PretrainedWeights(searched: [], file: nil) }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Parses and runs a lesson; `file` is the name diagnostics and footers show.
    static func run(_ markdown: String, file: String) throws -> LessonRun {
        let lesson = try LessonParser.parse(markdown, file: file)
        return try LessonRun.execute(lesson, locateWeights: noWeights)
    }

    /// The tiny lesson, run once per call (each call is a fresh session).
    static func tiny() throws -> LessonRun { try run(text("tiny-lesson.md"), file: "tiny-lesson.md") }

    /// The tiny lesson's site with slides and a notebook.
    static func tinySite(version: String = "test") throws -> [SiteFile] {
        let options = SiteOptions(lessons: ["tiny-lesson.md"], slides: true, notebooks: true)
        return SiteBuilder(options: options, version: version, locateWeights: noWeights).files(for: [try tiny()])
    }
}
