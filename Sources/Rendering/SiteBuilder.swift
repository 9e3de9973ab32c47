import Fastai
import LessonKit
import Markup
import NN

/// One file of a generated site: a plain name (no folders) and its text.
public struct SiteFile: Sendable, Equatable {
    public var name: String
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// Runs lessons and turns them into a walkthrough site: `index.html`, a page per lesson, and on
/// request slide decks and notebooks, plus the stylesheets, the deck script and the manifest.
///
/// Everything is rendered in memory; `SiteWriter` puts it on disk and `SiteCheck` compares it
/// with a copy on disk. The same lessons, parameters and seed give the same bytes.
public struct SiteBuilder {
    public var options: SiteOptions
    /// The LearnerLens version the pages name (the executable passes `LearnerLensVersion.string`).
    public var version: String
    public var locateWeights: (Architecture) -> PretrainedWeights
    /// Recorded runs of training lessons from an earlier build of the site, by file stem.
    public var records: [String: RecordedRun] = [:]
    /// Records in the folder that could not be read, by stem, with the reason (`RecordedRun.read`).
    public var unreadableRecords: [String: String] = [:]
    /// What to do with a training lesson: use its record when it fits (run it when it does not),
    /// always run it, or never run it (`--check`: a missing or stale record makes the site stale).
    public var recordUse: RecordUse = .replayWhenCurrent
    /// The date and machine a new record names.
    public var recordedOn = ""
    public var machine = ""
    /// Hears a training lesson's progress.
    public var stepProgress: (@Sendable (StepProgress) -> Void)?

    public enum RecordUse: Sendable { case replayWhenCurrent, rerun, replayOnly }

    public init(options: SiteOptions, version: String, locateWeights: ((Architecture) -> PretrainedWeights)? = nil) {
        self.options = options
        self.version = version
        self.locateWeights =
            locateWeights ?? (options.randomWeights ? { _ in PretrainedWeights(searched: [], file: nil) } : { PretrainedWeights.locate($0) })
    }

    /// Loads and runs every lesson the options name (all built-in ones when none), then renders
    /// the site; `progress` hears one line per lesson.
    public func build(progress: (String) -> Void = { _ in }) throws -> [SiteFile] {
        let names = options.lessons.isEmpty ? BuiltinLessons.names : options.lessons
        var runs: [LessonRun] = []
        for (i, name) in names.enumerated() {
            let lesson = try BuiltinLessons.load(name)
            let counter = "[\(i + 1)/\(names.count)] \(lesson.file)"
            guard LessonRun.trains(lesson) else {
                progress(counter)
                runs.append(try LessonRun.execute(lesson, overrides: options.overrides, locateWeights: locateWeights))
                continue
            }
            runs.append(try trainingRun(lesson, counter: counter, progress: progress))
        }
        return files(for: runs)
    }

    /// A lesson that trains: replayed from its record when that fits, run (and recorded) otherwise;
    /// `progress` says which and why.
    func trainingRun(_ lesson: Lesson, counter: String, progress: (String) -> Void) throws -> LessonRun {
        let stem = HTMLText.fileStem(lesson.name)
        var why = unreadableRecords[stem].map { "its recorded run is unusable: \($0)" } ?? "it has no recorded run (\(stem).run.json)"
        if recordUse == .rerun {
            why = "--rerun"
        } else if let record = records[stem] {
            switch try LessonRun.replay(lesson, overrides: options.overrides, randomWeights: options.randomWeights, record: record) {
            case .success(let run):
                progress("\(counter): from its recorded run (\(record.recorded), \(record.machine))")
                return run
            case .failure(let stale): why = "its recorded run is stale: \(stale.reason)"
            }
        }
        if recordUse == .replayOnly { throw StaleRecord(reason: "\(lesson.file): \(why)") }
        progress("\(counter): training, since \(why)")
        return try LessonRun.executeRecording(
            lesson, overrides: options.overrides, randomWeights: options.randomWeights, recorded: recordedOn, machine: machine,
            locateWeights: locateWeights, progress: stepProgress)
    }

    /// The site's files for lessons that already ran, the manifest last.
    public func files(for runs: [LessonRun]) -> [SiteFile] {
        let renderer = HTMLRenderer(unsafe: options.unsafe, headingIDs: false)
        var used: Set<String> = ["index"]
        var entries: [IndexPage.Entry] = []
        var files: [SiteFile] = []
        for var run in runs {
            var stem = run.stem
            var n = 2
            while used.contains(stem) {
                stem = "\(run.stem)-\(n)"
                n += 1
            }
            used.insert(stem)
            run.stem = stem
            let notebook = options.notebooks ? NotebookDocument(run: run, version: version) : nil
            let deck = options.slides ? SlideDeck(run: run, renderer: renderer, version: version, page: stem + ".html") : nil
            let page = LessonPage(run: run, renderer: renderer, version: version, slides: deck?.fileName, notebook: notebook?.fileName)
            files.append(SiteFile(name: page.fileName, contents: page.html()))
            if let deck { files.append(SiteFile(name: deck.fileName, contents: deck.html())) }
            if let notebook { files.append(SiteFile(name: notebook.fileName, contents: notebook.json())) }
            if let record = run.record { files.append(SiteFile(name: stem + RecordedRun.fileSuffix, contents: Format.json(record) + "\n")) }
            entries.append(IndexPage.Entry(run: run, page: page.fileName, slides: deck?.fileName, notebook: notebook?.fileName))
        }
        files.append(SiteFile(name: "index.html", contents: IndexPage(entries: entries, version: version).html()))
        files.append(SiteFile(name: "style.css", contents: SiteStylesheet.css))
        if options.slides {
            files.append(SiteFile(name: "deck.css", contents: DeckStylesheet.css))
            files.append(SiteFile(name: "deck.js", contents: DeckScript.js))
        }
        files.sort { $0.name < $1.name }
        let manifest = SiteManifest(version: version, options: options, files: files.map(\.name))
        files.append(SiteFile(name: SiteManifest.fileName, contents: manifest.text))
        return files
    }
}
