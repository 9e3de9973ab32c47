import Foundation
import Testing

@Suite(.serialized) struct RunCommandTests {
    let small = CLI.root.appendingPathComponent("Tests/LessonKitTests/Fixtures/small.md").path

    @Test func markdownAndPlainOutputMatchGoldenFiles() throws {
        let md = try CLI.run(["run", small, "--format", "markdown"])
        #expect(md.status == 0, "\(md.stderr)")
        try CLI.expectGolden(md.stdout, "small.md.txt")
        let plain = try CLI.run(["run", small, "--format", "plain"], environment: ["COLUMNS": "100"])
        #expect(plain.status == 0)
        try CLI.expectGolden(plain.stdout, "small.plain.txt")
        let ansi = try CLI.run(["run", small, "--format", "ansi"], environment: ["COLUMNS": "100"])
        #expect(ansi.stdout.contains("\u{1B}["))
        #expect(!plain.stdout.contains("\u{1B}["))
    }

    /// The version note stands under the title: which fastai the code shows, and 1.0.61's lines.
    @Test func theVersionNoteFollowsTheTitle() throws {
        let r = try CLI.run(["run", "1", "--format", "markdown"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "# What goes on behind `create_cnn`")
        #expect(lines.dropFirst(2).first?.hasPrefix("> **fastai 1.0.20.** The fastai v1 code in this lesson is fastai 1.0.20's.") == true)
        #expect(r.stdout.contains("> - `learn = ClassificationLearner(data, model, **kwargs)` → `learn = Learner(data, model, **kwargs)`"))
    }

    @Test func jsonIsAloneOnStdoutWithTheDocumentedKeys() throws {
        let r = try CLI.run(["run", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let lesson = doc["lesson"] as! [String: Any]
        #expect((lesson["parameters"] as! [String: Any])["arch"] as? String == "resnet34")
        let steps = doc["steps"] as! [[String: Any]]
        let byStep = Dictionary(steps.map { ($0["step"] as! String, $0["facts"] as! [String: Any]) }, uniquingKeysWith: { a, _ in a })
        for id in ["cnn_config", "create_body", "num_features", "create_head", "sequential", "learner", "split", "freeze", "apply_init"] {
            #expect(byStep[id] != nil, "missing step \(id)")
        }
        #expect(byStep["num_features"]?["features"] as? Int == 512)
        #expect(byStep["num_features"]?["nf"] as? Int == 1024)
        #expect(byStep["create_head"]?["lin_ftrs"] as? [Int] == [1024, 512, 37])
        #expect(byStep["create_head"]?["ps"] as? [Double] == [0.25, 0.5])
        #expect((byStep["create_head"]?["layers"] as? [Any])?.count == 9)
        #expect(byStep["freeze"]?["trainable"] as? Int == 563_877)
        #expect(byStep["freeze"]?["total"] as? Int == 21_831_525)
        let groups = byStep["split"]?["layer_groups"] as? [[String: Any]]
        #expect(groups?.map { $0["leaves"] as? Int } == [41, 49, 10])
        let init_ = byStep["apply_init"]?["layers"] as? [[String: Any]]
        #expect(init_?.count == 2)
        for layer in init_ ?? [] {
            let expected = layer["expected_std"] as! Double, measured = layer["measured_std"] as! Double
            #expect(abs(measured - expected) / expected < 0.03)
            #expect(layer["name"] is String)
        }
        #expect(steps.first?["index"] as? Int == 1)
        #expect(steps.allSatisfy { $0["markdown"] is String && $0["code"] is String })
    }

    @Test func setRecomputesEveryNumberInTheProse() throws {
        let r = try CLI.run(["run", "--format", "markdown", "--set", "arch=resnet50", "--set", "classes=10"])
        #expect(r.status == 0, "\(r.stderr)")
        let prose = r.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(prose.contains("resnet50"))
        #expect(prose.contains("2048") && prose.contains("4096"))
        #expect(prose.contains("[1, 2048, 7, 7]"))
        #expect(prose.contains("[4, 10]"))
        #expect(!r.stdout.contains("21,831,525"))
    }

    @Test func stepStartsLaterAndPipesEndQuietly() throws {
        let r = try CLI.run(["run", "--format", "markdown", "--step", "10"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("## 9. Initialise the head") || r.stdout.contains("Step 10/"))
        #expect(!r.stdout.contains("Step 1/"))
        let piped = Process()
        piped.executableURL = URL(fileURLWithPath: "/bin/sh")
        piped.arguments = ["-c", "'\(CLI.binary.path)' run --format plain | head -n 3 >/dev/null; echo ${PIPESTATUS:-0}"]
        try piped.run()
        piped.waitUntilExit()
        #expect(piped.terminationStatus == 0)
    }

    @Test func badInputGetsLocatedErrorsAndExitCodes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.md")
        try "---\ntitle: Bad\nclasses: zero\n---\n\n```python\n#| step: creat_head\nx\n```\n".write(to: bad, atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", bad.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("\(bad.path):3:1: classes expects an integer, got 'zero'"))
        #expect(check.stderr.contains("\(bad.path):7:4: unknown step type 'creat_head' (did you mean 'create_head'?)"))
        let run = try CLI.run(["run", bad.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: "))
        let unknownSet = try CLI.run(["run", "--set", "arch=resnet35"])
        #expect(unknownSet.status == 1 && unknownSet.stderr.contains("did you mean 'resnet34'?"))
        let usage = try CLI.run(["run", "--set", "noequals"])
        #expect(usage.status == 64)
        let missing = try CLI.run(["run", dir.appendingPathComponent("nope.md").path])
        #expect(missing.status == 1 && missing.stderr.contains("no such lesson file"))
        let directory = try CLI.run(["run", dir.path])
        #expect(directory.status == 1 && directory.stderr.contains("is a directory"))
    }

    /// `check` prints the whole list for a lesson broken in many ways at once (front matter, bytes,
    /// placeholders, fences), exactly as the malformed corpus expects it.
    @Test func checkReportsEveryProblemAtOnce() throws {
        let folder = CLI.root.appendingPathComponent("Tests/LessonKitTests/Fixtures/malformed")
        let file = folder.appendingPathComponent("everything-at-once.md").path
        let r = try CLI.run(["check", file])
        #expect(r.status == 1)
        let expected = try String(contentsOf: folder.appendingPathComponent("everything-at-once.expected"), encoding: .utf8)
        #expect(r.stderr.replacingOccurrences(of: file, with: "everything-at-once.md") == expected)
    }

    /// The case: a lesson whose image_size is too small for its arch. `check` cannot know
    /// (it runs no tensors); `run` stops at the failing step's line, names the layer in PyTorch's
    /// words and the line that set image_size. resnet34 itself takes 8×8, as in PyTorch.
    @Test func anImageTooSmallForTheArchIsLocated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-small-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lesson = dir.appendingPathComponent("tiny.md")
        try """
        ---
        title: Too small
        arch: squeezenet1_1
        image_size: 8
        ---

        ```python
        #| step: data
        data = ...
        ```

        ```python
        #| step: cnn_config
        meta = cnn_config(arch)
        ```

        ```python
        #| step: create_body
        body = create_body(arch(pretrained), ifnone(cut, meta['cut']))
        ```
        """.write(to: lesson, atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", lesson.path])
        #expect(check.status == 0, "\(check.stderr)")
        let r = try CLI.run(["run", lesson.path])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "error: \(lesson.path):18:4: step create_body failed: an image of 8×8 pixels is too small for squeezenet1_1: 0.5 (MaxPool2d) on input [1, 128, 1, 1]: Given input size: (128x1x1). Calculated output size: (128x0x0). Output size is too small (image_size 8 is set at \(lesson.path):4:1)"
            ), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        let resnet = try CLI.run(["run", lesson.path, "--set", "arch=resnet34", "--format", "markdown"])
        #expect(resnet.status == 0, "\(resnet.stderr)")
        #expect(resnet.stdout.contains("[1, 512, 1, 1]"))
    }

    @Test func checkAndListBuiltins() throws {
        let check = try CLI.run(["check"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("ok  builtin:01-behind-create-cnn.md"))
        let list = try CLI.run(["list"])
        #expect(list.stdout.contains("What goes on behind create_cnn"))
    }
}
