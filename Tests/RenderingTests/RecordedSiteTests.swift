import Fastai
import Foundation
import LessonKit
import Rendering
import Testing

/// A lesson that trains is recorded once; the site is made again from the record, and says so.
@Suite(.enabled(if: FashionMNIST.isAvailable(), "needs Debian's dataset-fashion-mnist (scripts/deps.sh installs it)"))
struct RecordedSiteTests {
    static let options = SiteOptions(
        lessons: ["11-look-at-the-mistakes"], slides: true, notebooks: true,
        settings: ["train_subset=16", "valid_subset=8", "batch_size=4"], randomWeights: true)

    static func builder(records: [String: RecordedRun] = [:], use: SiteBuilder.RecordUse = .replayWhenCurrent) -> SiteBuilder {
        var b = SiteBuilder(options: options, version: "test", locateWeights: Fixtures.noWeights)
        b.records = records
        b.recordUse = use
        b.recordedOn = "2026-12-01"
        b.machine = "test machine"
        return b
    }

    static func records(in files: [SiteFile]) throws -> [String: RecordedRun] {
        var out: [String: RecordedRun] = [:]
        for f in files where f.name.hasSuffix(RecordedRun.fileSuffix) {
            out[String(f.name.dropLast(RecordedRun.fileSuffix.count))] = try JSONDecoder().decode(RecordedRun.self, from: Data(f.contents.utf8))
        }
        return out
    }

    @Test func aSecondBuildReplaysTheRecordAndGivesTheSameFiles() throws {
        var lines: [String] = []
        let first = try Self.builder().build { lines.append($0) }
        #expect(lines.count == 1 && lines[0].contains("training, since it has no recorded run"))
        let records = try Self.records(in: first)
        #expect(records.keys.sorted() == ["11-look-at-the-mistakes"])
        lines = []
        let second = try Self.builder(records: records, use: .replayOnly).build { lines.append($0) }
        #expect(lines.count == 1 && lines[0].contains("from its recorded run (2026-12-01, test machine)"))
        #expect(second == first)
    }

    @Test func pagesAndNotebooksCarryTheFigures() throws {
        let files = try Self.builder().build()
        let page = try #require(files.first { $0.name == "11-look-at-the-mistakes.html" }).contents
        #expect(page.contains("<figure class=\"chart-figure\">"))
        #expect(page.contains("<img src=\"data:image/png;base64,"))
        #expect(page.contains("interp.plot_confusion_matrix()"))
        // Slides put the figures in their own cells beside the result, so a projector shows all of them.
        let deck = try #require(files.first { $0.name == "11-look-at-the-mistakes.slides.html" }).contents
        #expect(deck.contains("<div class=\"slide-body with-figures\">"))
        #expect(deck.contains("<div class=\"slide-figures two-columns\">\n<figure class=\"picture-figure\">"))
        // Tiles are enlarged in the PNG itself (the titles keep the font's size): width and height are the PNG's.
        #expect(
            page.range(
                of: #"<img src="data:image/png;base64,[^"]+" width="\d+" height="\d+" alt="The \d+ validation images with the largest losses"#,
                options: .regularExpression) != nil)
        let notebook = try #require(files.first { $0.name == "11-look-at-the-mistakes.ipynb" }).contents
        #expect(notebook.contains("\"display_data\""))
        #expect(notebook.contains("\"image/svg+xml\""))
        #expect(notebook.contains("\"image/png\""))
    }

    @Test func aStaleRecordIsNamedAndNotReplayed() throws {
        let records = try Self.records(in: try Self.builder().build())
        var changed = Self.options
        changed.settings = ["train_subset=16", "valid_subset=8", "batch_size=4", "epochs=3"]
        var b = SiteBuilder(options: changed, version: "test", locateWeights: Fixtures.noWeights)
        b.records = records
        b.recordUse = .replayOnly
        #expect {
            _ = try b.build()
        } throws: { error in
            (error as? StaleRecord)?.reason.contains("its recorded run is stale: parameters changed: epochs") == true
        }
    }

    @Test func anOlderOrDamagedRecordOnDiskSaysWhyTheLessonRunsAgain() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"format": 1, "lesson": "x"}"#.utf8).write(to: dir.appendingPathComponent("11-look-at-the-mistakes.run.json"))
        try Data("not json".utf8).write(to: dir.appendingPathComponent("09-fit-the-frozen-learner.run.json"))
        let (records, unreadable) = RecordedRun.read(in: dir)
        #expect(records.isEmpty)
        #expect(
            unreadable["11-look-at-the-mistakes"]
                == "11-look-at-the-mistakes.run.json is in record format 1, this LearnerLens writes \(RecordedRun.currentFormat)")
        #expect(unreadable["09-fit-the-frozen-learner"]?.hasPrefix("09-fit-the-frozen-learner.run.json could not be read") == true)
        var b = Self.builder(use: .replayOnly)
        b.unreadableRecords = unreadable
        #expect {
            _ = try b.build()
        } throws: { error in
            (error as? StaleRecord)?.reason.contains("its recorded run is unusable: 11-look-at-the-mistakes.run.json is in record format 1") == true
        }
    }
}
