import Fastai
import Foundation
import LessonKit
import Testing

/// The training lessons on a few Fashion-MNIST images: what their steps measure, that a seed fixes
/// every number, and that a recorded run replays into the same lesson.
@Suite(.enabled(if: FashionMNIST.isAvailable(), "needs Debian's dataset-fashion-mnist (scripts/deps.sh installs it)"))
struct TrainingLessonTests {
    /// Small enough for a debug build: 16 training and 8 validation images in batches of 4.
    static let tiny = [("train_subset", "16"), ("valid_subset", "8"), ("batch_size", "4")]

    static func run(_ name: String, _ extra: [(String, String)] = []) throws -> (LessonSession, [RunSegment]) {
        let session = try LessonSession(lesson: BuiltinLessons.load(name), overrides: tiny + extra, locateWeights: Support.noWeights)
        return (session, try session.runAll())
    }

    static func facts(_ session: LessonSession, _ id: String) throws -> Facts {
        try #require(session.results.last { $0.cell.id == id }?.facts)
    }

    @Test func aFrozenFitKeepsFrozenWeightsAndMovesBatchNorm() throws {
        let (session, _) = try Self.run("09-fit-the-frozen-learner")
        let fit = try Self.facts(session, "fit_one_cycle")
        let frozen = try #require(fit["frozen_params"].flatMap { if case .int(let v) = $0 { v } else { nil } })
        #expect(frozen > 1_000_000)
        #expect(fit["frozen_identical"] == .int(frozen))
        #expect(fit["trainable_changed"] == fit["trainable_params"])
        guard case .int(let bn)? = fit["batchnorm_frozen_changed"], case .int(let stats)? = fit["stats_changed"] else {
            Issue.record("no BatchNorm counts")
            return
        }
        #expect(bn > 0)
        #expect(stats == 22)  // resnet18's body has 20 BatchNorm layers and the head 2; every one saw training batches
        // slice(3e-3) over three groups: 3e-4, 3e-4, 3e-3 (fastai's lr_range).
        let peaks = (0..<3).compactMap { fit["groups"]?.member("\($0)")?.member("max_lr") }.compactMap { v -> Double? in
            if case .real(let x) = v { x } else { nil }
        }
        #expect(peaks.count == 3 && zip(peaks, [3e-4, 3e-4, 3e-3]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(fit["rows"].map { if case .list(let rows) = $0 { rows.count } else { 0 } } == 2)
        let figures = try #require(session.results.last?.figures)
        #expect(figures.map(\.title).contains { $0.hasPrefix("learn.recorder.plot_lr()") })
        #expect(session.results.first?.figures.count == 1)  // show_batch
    }

    @Test func theSameSeedGivesTheSameNumbers() throws {
        let (a, _) = try Self.run("09-fit-the-frozen-learner")
        let (b, _) = try Self.run("09-fit-the-frozen-learner")
        // Every fact but the epoch times.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func stable(_ f: Facts) -> String {
            String(decoding: (try? encoder.encode(f)) ?? Data(), as: UTF8.self).replacingOccurrences(
                of: #""time":"[0-9:]+""#, with: "", options: .regularExpression)
        }
        for (x, y) in zip(a.results, b.results) { #expect(stable(x.facts) == stable(y.facts), "step \(x.index)") }
    }

    @Test func lrFindRestoresTheWeightsAndUnfreezingGivesThreeRates() throws {
        // Batches of 2: lr_find always runs up to 100 batches.
        let (session, _) = try Self.run("10-unfreeze-and-find-a-learning-rate", [("train_subset", "8"), ("batch_size", "2")])
        let find = try Self.facts(session, "lr_find")
        #expect(find["weights_restored"] == .bool(true))
        guard case .int(let n)? = find["iterations"] else {
            Issue.record("no iteration count")
            return
        }
        #expect(n >= 2 && n <= 100)
        let unfrozen = try Self.facts(session, "unfrozen_fit")
        let rates = (0..<3).compactMap { unfrozen["groups"]?.member("\($0)")?.member("max_lr") }
        guard rates.count == 3, case .real(let r0) = rates[0], case .real(let r1) = rates[1], case .real(let r2) = rates[2] else {
            Issue.record("expected three group rates, got \(rates)")
            return
        }
        #expect(abs(r0 - 1e-6) < 1e-18 && abs(r1 - 1e-5) < 1e-15 && abs(r2 - 1e-4) < 1e-15)  // even_mults(1e-6, 1e-4, 3)
        #expect(unfrozen["trainable_changed"] == unfrozen["trainable_params"])
        #expect(unfrozen["frozen_params"] == .int(0))
    }

    @Test func interpretationCountsEveryValidationImage() throws {
        let (session, _) = try Self.run("11-look-at-the-mistakes")
        let interp = try Self.facts(session, "interpret")
        #expect(interp["items"] == .int(8))
        let top = try #require(interp["top_losses"]).member("0")
        #expect(top?.member("loss") != nil)
        let figures = try #require(session.results.first { $0.cell.step == "interpret" }?.figures)
        guard case .chart(let chart)? = figures.last, case .heatMap(let map) = chart.content else {
            Issue.record("the last figure is not the confusion matrix")
            return
        }
        #expect(map.counts.flatMap { $0 }.reduce(0, +) == 8)
        #expect(map.rowLabels == FashionMNIST.classNames)
        let predict = try Self.facts(session, "predict")
        let probabilities = try #require(predict["probabilities"])
        #expect(probabilities.member("0")?.member("class") == predict["predicted"])
    }

    @Test func comparisonsTrainTwiceOnTheSameBatches() throws {
        let (session, _) = try Self.run("12-why-the-choices-matter")
        let dropout = try Self.facts(session, "dropout")
        #expect(dropout["runs"]?.member("1") != nil)
        // With and without apply_init, the body is the same and the batches are the same; only the
        // head's initial weights differ, so the first losses differ.
        let initRuns = try Self.facts(session, "init")
        #expect(initRuns["runs"]?.member("0")?.member("first_loss") != initRuns["runs"]?.member("1")?.member("first_loss"))
        let weights = try Self.facts(session, "weights")
        #expect(weights["skipped"]?.prose.contains("no ImageNet weights") == true)
    }

    @Test func aRecordedRunReplaysIntoTheSameLesson() throws {
        let lesson = try BuiltinLessons.load("09-fit-the-frozen-learner")
        let (session, segments) = try Self.run("09-fit-the-frozen-learner")
        let signature = try RunSignature(lesson: lesson, parameters: session.parameters, randomWeights: true)
        let record = RecordedRun(session: session, signature: signature, recorded: "2026-12-01", machine: "test")
        let data = try JSONEncoder().encode(record)
        let decoded = try JSONDecoder().decode(RecordedRun.self, from: data)
        #expect(decoded == record)
        let replaying = try LessonSession(lesson: lesson, overrides: Self.tiny, locateWeights: Support.noWeights)
        let replayed = try replaying.replay(decoded)
        #expect(replayed.count == segments.count)
        for (a, b) in zip(segments, replayed) {
            switch (a, b) {
            case (.prose(let x), .prose(let y)): #expect(x == y)
            case (.step(let x), .step(let y)):
                #expect(x.markdown == y.markdown)
                #expect(x.figures == y.figures)
                #expect(x.pipeline == y.pipeline)
            default: Issue.record("segments differ in kind")
            }
        }
        #expect(replaying.weightsUsed == session.weightsUsed)
    }

    @Test func aRecordSaysWhyItIsStale() throws {
        let lesson = try BuiltinLessons.load("09-fit-the-frozen-learner")
        let p = try LessonChecker.check(lesson, overrides: Self.tiny).parameters
        let base = try RunSignature(lesson: lesson, parameters: p, randomWeights: true)
        var moreEpochs = p
        try moreEpochs.set("epochs", "3")
        #expect(base.difference(from: try RunSignature(lesson: lesson, parameters: moreEpochs, randomWeights: true)) == "parameters changed: epochs")
        #expect(base.difference(from: try RunSignature(lesson: lesson, parameters: p, randomWeights: false)) == "it ignored pretrained weights")
        let text = try #require(BuiltinLessons.text("09-fit-the-frozen-learner")?.text)
        let edited = try LessonParser.parse(
            text.replacingOccurrences(of: "learn.fit_one_cycle(2)", with: "learn.fit_one_cycle(3)"), file: lesson.file)
        #expect(base.difference(from: try RunSignature(lesson: edited, parameters: p, randomWeights: true)) == "cell 3 changed")
        #expect(base.difference(from: base) == nil)
    }

    @Test func badTrainingParametersAreRefused() throws {
        var p = LessonParameters()
        #expect(throws: ParameterError.self) { try p.set("epochs", "0") }
        #expect(throws: ParameterError.self) { try p.set("train_subset", "-3") }
        #expect(throws: ParameterError.self) { try FitOneCycleStep(options: ["max_lr": "slice(1e-2, 1e-4)"]) }
        #expect(throws: ParameterError.self) { try FitOneCycleStep(options: ["max_lr": "fast"]) }
        let tooMany = try LessonSession(
            lesson: BuiltinLessons.load("09-fit-the-frozen-learner"), overrides: [("train_subset", "9999999")], locateWeights: Support.noWeights)
        #expect(throws: LessonDiagnostic.self) { try tooMany.runNext() }
        let folder = try LessonSession(
            lesson: BuiltinLessons.load("09-fit-the-frozen-learner"), overrides: [("data", "/nonexistent")], locateWeights: Support.noWeights)
        #expect(throws: LessonDiagnostic.self) { try folder.runNext() }
    }

    /// A folder of 30 small PNGs named as the Pet images are (`label_N`), two classes told apart by colour.
    static func photoFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-photos \(UUID().uuidString.prefix(8))")
        let images = dir.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<30 {
            let red = i % 2 == 0
            let (w, h) = (20 + i % 5, 16 + i % 3)  // photos come in many sizes
            let pixels = (0..<(w * h)).flatMap { k -> [UInt8] in
                let v = UInt8((k * 7 + i * 13) % 64)
                return red ? [192 + v, v, v] : [v, v, 192 + v]
            }
            let png = try PNGCodec.encode(try RGBImage(width: w, height: h, pixels: pixels))
            try Data(png).write(to: images.appendingPathComponent("\(red ? "red_fox" : "blue_jay")_\(i).png"))
        }
        return dir
    }

    @Test func aLessonTrainsOnAFolderOfPhotos() throws {
        let dir = try Self.photoFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (session, _) = try Self.run(
            "11-look-at-the-mistakes", [("data", dir.path), ("pat", #"/([^/]+)_\d+\.png$"#), ("image_size", "16"), ("train_subset", "all")])
        let data = try Self.facts(session, "training_data")
        #expect(data["classes"] == .list([.text("blue_jay"), .text("red_fox")]))
        #expect(data["train_count"] == .int(24) && data["valid_count"] == .int(6))  // valid_pct 0.2 of 30
        #expect(data["native_size"] == nil)
        #expect(data["source"]?.prose.hasSuffix("/images (from_name_re(pat=/([^/]+)_\\d+\\.png$), valid_pct=0.2)") == true)
        let markdown = try #require(session.results.first { $0.cell.id == "training_data" }?.markdown)
        #expect(markdown.contains("Each photo is converted to RGB (`open_image`), its shorter side resized to 16"))
        // create_cnn's head follows the folder's two classes.
        #expect(try Self.facts(session, "create_cnn")["c"] == .int(2))
    }

    @Test func aFolderThatIsNotThereSaysWhatToGive() throws {
        #expect {
            _ = try Self.run("09-fit-the-frozen-learner", [("data", "/nonexistent/pets")])
        } throws: { error in
            "\(error)".contains("data '/nonexistent/pets': not a folder. Give fashion-mnist")
        }
    }
}
