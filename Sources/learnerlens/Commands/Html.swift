import ArgumentParser
import Foundation
import LessonKit
import Rendering

/// `learnerlens html [LESSON…] --out DIR`: the walkthrough as a static site (and slides, notebooks).
struct Html: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write lessons as a static web site that works offline: a page per lesson, optionally slides and notebooks.",
        discussion: """
            With no LESSON, every built-in lesson. Lesson Markdown is rendered safely (raw HTML \
            omitted, javascript: and other unsafe links dropped) unless --unsafe. DIR must be new, \
            empty or an earlier LearnerLens site (--force writes into any folder; nothing of yours \
            is deleted). --check DIR rebuilds a site the way its learnerlens-site.json says and \
            exits 1 if the copy on disk is stale.
            """)

    @Argument(help: "Lesson files (.md) or built-in lesson names (default: all built-in lessons).")
    var lessons: [String] = []

    @Option(help: "The folder to write the site into.")
    var out: String?

    @Option(help: "Do not write: compare the site in this folder with what would be generated now.")
    var check: String?

    @Flag(help: "Also write a slide deck per lesson (LESSON.slides.html).")
    var slides = false

    @Flag(help: "Also write a Jupyter notebook per lesson (LESSON.ipynb).")
    var notebooks = false

    @Flag(help: "Trust the lessons: let raw HTML and every kind of link through.")
    var unsafe = false

    @Flag(help: "Write into a non-empty folder that is not a LearnerLens site.")
    var force = false

    @Flag(help: "Ignore pretrained weights even when found (reproducible anywhere; the published walkthrough uses this).")
    var randomWeights = false

    @Flag(help: "Train the lessons that train again even when their recorded runs (LESSON.run.json in the site folder) are current.")
    var rerun = false

    @Option(name: .customLong("set"), help: "Override a parameter of every lesson, e.g. --set arch=resnet50 (repeatable).")
    var settings: [String] = []

    func validate() throws {
        if (out == nil) == (check == nil) { throw ValidationError("give either --out DIR (write a site) or --check DIR (compare one)") }
        if check != nil && (!lessons.isEmpty || slides || notebooks || unsafe || force || randomWeights || rerun || !settings.isEmpty) {
            throw ValidationError("--check takes no other options: it rebuilds the site the way its \(SiteManifest.fileName) says")
        }
        _ = try Settings.overrides(settings)
    }

    var options: SiteOptions {
        SiteOptions(lessons: lessons, slides: slides, notebooks: notebooks, unsafe: unsafe, settings: settings, randomWeights: randomWeights)
    }

    func run() throws {
        try reportingErrors {
            if let check {
                try runCheck(check)
                return
            }
            let dir = URL(fileURLWithPath: out!)
            let writer = SiteWriter(directory: dir, force: force)
            try writer.preflight()  // before building: a bad --out costs nothing
            var builder = SiteBuilder(options: options, version: LearnerLensVersion.string)
            (builder.records, builder.unreadableRecords) = RecordedRun.read(in: dir)
            builder.recordUse = rerun ? .rerun : .replayWhenCurrent
            builder.recordedOn = RecordedRun.today
            builder.machine = RecordedRun.thisMachine
            builder.stepProgress = StepProgressDisplay(enabled: Terminal.stderrIsTTY).callback
            let files = try builder.build(progress: progress)
            let removed = try writer.write(files)
            print("wrote \(files.count) files to \(dir.path)")
            for name in files.map(\.name) { print("  \(name)") }
            for name in removed { print("  removed \(name) (no longer generated)") }
        }
    }

    func runCheck(_ path: String) throws {
        let dir = URL(fileURLWithPath: path)
        guard let manifest = SiteManifest.read(in: dir) else {
            throw CLIError("\(path) is not a LearnerLens site: no readable \(SiteManifest.fileName)")
        }
        var builder = SiteBuilder(options: manifest.options, version: LearnerLensVersion.string)
        (builder.records, builder.unreadableRecords) = RecordedRun.read(in: dir)
        builder.recordUse = .replayOnly
        let files: [SiteFile]
        do {
            files = try builder.build(progress: progress)
        } catch let stale as StaleRecord {
            print("stale: \(path)")
            print("  \(stale.reason)")
            print("regenerate with: \(manifest.options.commandLine(out: path))")
            throw ExitCode(1)
        }
        let problems = SiteCheck.compare(files, with: dir)
        if problems.isEmpty {
            print("up to date: \(path) (\(files.count) files)")
            return
        }
        print("stale: \(path)")
        for p in problems { print("  \(p)") }
        print("regenerate with: \(manifest.options.commandLine(out: path))")
        throw ExitCode(1)
    }

    func progress(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}
