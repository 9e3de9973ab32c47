import ArgumentParser
import Foundation
import LessonKit
import Rendering

/// `learnerlens notebook LESSON --out FILE.ipynb`: the lesson as a Jupyter notebook, outputs filled in.
struct Notebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a lesson as a Jupyter notebook (nbformat 4) whose outputs LearnerLens computed.",
        discussion: """
            Markdown cells hold the prose, code cells the fastai lines with their outputs \
            (text/markdown and text/plain). An existing file is only replaced when it is a \
            LearnerLens notebook, or with --force. --out - writes to standard output.
            """)

    @Argument(help: "A lesson file (.md) or a built-in lesson's name or number.")
    var lesson: String

    @Option(help: "The notebook to write (FILE.ipynb), or - for standard output.")
    var out: String

    @Flag(help: "Replace FILE even when it is not a LearnerLens notebook.")
    var force = false

    @Flag(help: "Ignore pretrained weights even when found (reproducible anywhere).")
    var randomWeights = false

    @Option(name: .customLong("set"), help: "Override a lesson parameter, e.g. --set arch=resnet50 (repeatable).")
    var settings: [String] = []

    func validate() throws {
        if out != "-" && !out.hasSuffix(".ipynb") { throw ValidationError("--out expects a file name ending in .ipynb (or -), got '\(out)'") }
        _ = try Settings.overrides(settings)
    }

    func run() throws {
        try reportingErrors {
            // Before running the lesson: a bad --out costs nothing.
            if out != "-" { try FileChecks.writable(out, option: "--out") }
            let options = SiteOptions(lessons: [lesson], settings: settings, randomWeights: randomWeights)
            let builder = SiteBuilder(options: options, version: LearnerLensVersion.string)
            let run = try LessonRun.execute(try BuiltinLessons.load(lesson), overrides: options.overrides, locateWeights: builder.locateWeights)
            let json = NotebookDocument(run: run, version: LearnerLensVersion.string).json()
            if out == "-" {
                Output.write(json)
                return
            }
            let url = URL(fileURLWithPath: out)
            if FileManager.default.fileExists(atPath: url.path), !force, !Self.isLearnerLensNotebook(url) {
                throw CLIError("\(out) exists and is not a LearnerLens notebook; pass --force to replace it")
            }
            do { try Data(json.utf8).write(to: url, options: .atomic) } catch {
                throw CLIError("cannot write \(out): \(FileChecks.reason(error))")
            }
            print("wrote \(out) (\(run.stepCount) code cells)")
        }
    }

    static func isLearnerLensNotebook(_ url: URL) -> Bool {
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let metadata = object["metadata"] as? [String: Any]
        else { return false }
        return metadata["learnerlens"] != nil
    }
}
