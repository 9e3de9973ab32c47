import Foundation
import Testing

/// `learnerlens data` end to end on small folders made from the committed fixture images.
@Suite struct DataCommandTests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/FastaiTests/Fixtures/images")

    /// A temporary folder (with a space and non-ASCII letters in its name) holding copies of the fixture images,
    /// named `<label>_<n>.<ext>` alternately for two labels.
    static func petsFolder(labels: [String] = ["Cat_tabby", "dog_beagle"]) throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("ll-data \(UUID().uuidString.prefix(8))/imgs ü")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let names = try fm.contentsOfDirectory(atPath: fixtures.path).sorted()
        for (i, name) in names.enumerated() {
            let ext = (name as NSString).pathExtension
            try fm.copyItem(
                at: fixtures.appendingPathComponent(name), to: dir.appendingPathComponent("\(labels[i % labels.count])_\(i).\(ext)"))
        }
        try "not an image".write(to: dir.appendingPathComponent("readme.txt"), atomically: true, encoding: .utf8)
        return dir
    }

    static let pattern = #"/([^/]+)_\d+\.(jpg|png)$"#

    /// Nothing to show is not an error: `--valid-pct 0` prints the summary without a picture.
    @Test func anEmptyValidationSetStillPrintsTheSummary() throws {
        let dir = try Self.petsFolder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let r = try CLI.run(["data", dir.path, "--pat", Self.pattern, "--size", "8", "--bs", "4", "--valid-pct", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Valid: LabelList (0 items)"))
        #expect(!r.stdout.contains("data.show_batch("))
        let tooMany = try CLI.run(["data", dir.path, "--pat", Self.pattern, "--rows", "3037000500"])
        #expect(tooMany.status != 0 && tooMany.stderr.contains("--rows must be 0…16, got 3037000500"))
    }

    @Test func printsTheDataBunchAsFastaiDoes() throws {
        let dir = try Self.petsFolder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let r = try CLI.run(["data", dir.path, "--pat", Self.pattern, "--size", "8", "--bs", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("ImageDataBunch;\n\nTrain: LabelList (18 items)\nx: ImageList\nImage (3, 8, 8),"))
        #expect(r.stdout.contains("Valid: LabelList (4 items)"))  // int(0.2·22)
        #expect(r.stdout.contains("data.classes (2): Cat_tabby, dog_beagle"))
        #expect(r.stdout.contains("one batch: x [4, 3, 8, 8], y [4]; 4 training batches (drop_last), 1 validation batches"))
        #expect(!r.stdout.contains("readme"))
        // show_batch(rows=3) without a terminal: the classes of the first 3×3 shown images, three per line.
        let shown = try #require(r.stdout.components(separatedBy: "data.show_batch(rows=3): the first 4 images of the validation batch\n").last)
        let titleLines = shown.split(separator: "\n")
        #expect(titleLines.count == 2 && titleLines.allSatisfy { $0.contains("Cat_tabby") || $0.contains("dog_beagle") }, "\(shown)")
        #expect(!r.stdout.contains("\u{1B}"))
    }

    @Test func jsonListsFilesAndSaveBatchWritesSafetensors() throws {
        let dir = try Self.petsFolder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let out = dir.appendingPathComponent("batch.safetensors")
        let r = try CLI.run(["data", dir.path, "--pat", Self.pattern, "--size", "8", "--bs", "3", "--format", "json", "--save-batch", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["classes"] as? [String] == ["Cat_tabby", "dog_beagle"])
        let valid = try #require(json["valid"] as? [[String: String]])
        #expect(valid.count == 4 && (json["train"] as? [Any])?.count == 18)
        #expect(valid.allSatisfy { $0["path"]?.hasPrefix(dir.path + "/") == true && $0["label"] != nil })
        let data = try Data(contentsOf: out)
        // 3 images of 3×8×8 float32 and 3 int64 labels after the JSON header.
        #expect(data.count > 3 * 3 * 8 * 8 * 4 + 3 * 8)
        #expect(r.stderr.contains("validation batch [3, 3, 8, 8] with labels written to"))

        let grid = dir.deletingLastPathComponent().appendingPathComponent("grid.png")
        let shown = try CLI.run(["data", dir.path, "--pat", Self.pattern, "--size", "8", "--bs", "4", "--show-batch", grid.path])
        #expect(shown.status == 0 && shown.stderr.contains("4 validation images with their classes, 2 per row, written to"), "\(shown.stderr)")
        // 2×2 cells with 2-pixel margins, each a title line (13 px + 1) over 8 pixels, as wide as the longer class
        // name shown ("Cat_tabby" 54 px, "dog_beagle" 60 px); PNG signature first.
        let png = try [UInt8](Data(contentsOf: grid))
        #expect(png.prefix(4) == [0x89, 0x50, 0x4E, 0x47])
        #expect(png[16..<20] == [0, 0, 0, 2 * 60 + 6] || png[16..<20] == [0, 0, 0, 2 * 54 + 6])
        #expect(png[20..<24] == [0, 0, 0, 2 * 22 + 6])

        let augmented = try CLI.run(["data", dir.path, "--pat", Self.pattern, "--size", "8", "--bs", "4", "--show-batch", grid.path, "--transforms"])
        #expect(
            augmented.status == 0 && augmented.stderr.contains("4 augmented training images with their classes, 2 per row"), "\(augmented.stderr)")
        #expect(try [UInt8](Data(contentsOf: grid)) != png)

        // The JSON output is a valid --split-from file: the same split comes back.
        let splitFile = dir.appendingPathComponent("split.json")
        try Data(r.stdout.utf8).write(to: splitFile)
        let again = try CLI.run([
            "data", dir.path, "--pat", Self.pattern, "--size", "8", "--format", "json", "--split-from", splitFile.path, "--seed", "7",
        ])
        #expect(again.status == 0, "\(again.stderr)")
        let json2 = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect((json2["valid"] as? [[String: String]]) == valid)
    }

    @Test func fromFolderUsesTrainAndValidFolders() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("ll-folder-\(UUID().uuidString.prefix(8))")
        defer { try? fm.removeItem(at: root) }
        for (set, label, file) in [
            ("train", "cat", "png_rgb8.png"), ("train", "dog", "jpeg_grey.jpg"), ("valid", "dog", "png_rgba.png"),
            ("valid", "cow", "png_palette.png"), ("train", "cat", "jpeg_cmyk.jpg"),
        ] {
            let d = root.appendingPathComponent("\(set)/\(label)")
            try fm.createDirectory(at: d, withIntermediateDirectories: true)
            try fm.copyItem(at: Self.fixtures.appendingPathComponent(file), to: d.appendingPathComponent(file))
        }
        let r = try CLI.run(["data", root.path, "--folder", "--size", "4", "--bs", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Train: LabelList (3 items)") && r.stdout.contains("Valid: LabelList (1 items)"))
        #expect(r.stderr.contains("1 validation image(s) dropped"))
    }

    @Test func badFilesAreNamedAndSkippable() throws {
        let dir = try Self.petsFolder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let bytes = try Data(contentsOf: Self.fixtures.appendingPathComponent("jpeg_baseline_420.jpg"))
        try bytes.prefix(bytes.count / 2).write(to: dir.appendingPathComponent("Cat_tabby_100.jpg"))
        try Data("<html>".utf8).write(to: dir.appendingPathComponent("dog_beagle_101.png"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        // Without --skip-bad, a bad file among those fastai's repr opens stops the command, named.
        let failing = try CLI.run([
            "data", dir.path, "--pat", Self.pattern, "--size", "8", "--split-from", try splitFile(dir, valid: ["Cat_tabby_100.jpg"]),
        ])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("Cat_tabby_100.jpg: not a readable JPEG") && failing.stderr.contains("--skip-bad"), "\(failing.stderr)")
        let skipping = try CLI.run(["data", dir.path, "--pat", Self.pattern, "--size", "8", "--skip-bad"])
        #expect(skipping.status == 0, "\(skipping.stderr)")
        #expect(
            skipping.stderr.contains("skipped \(dir.path)/Cat_tabby_100.jpg") && skipping.stderr.contains("dog_beagle_101.png: not a JPEG or PNG"))
        #expect(names.count == 25)
    }

    func splitFile(_ dir: URL, valid: [String]) throws -> String {
        let url = dir.deletingLastPathComponent().appendingPathComponent("split.json")
        try JSONSerialization.data(withJSONObject: ["valid": valid]).write(to: url)
        return url.path
    }

    @Test func userMistakesGetClearMessages() throws {
        let dir = try Self.petsFolder(labels: ["only_one"])
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let one = try CLI.run(["data", dir.path, "--pat", Self.pattern])
        #expect(one.status == 1 && one.stderr.contains("only one class (only_one)"), "\(one.stderr)")
        let badRegex = try CLI.run(["data", dir.path, "--pat", "(["])
        #expect(badRegex.status == 1 && badRegex.stderr.contains("not a valid regular expression"))
        let noMatch = try CLI.run(["data", dir.path, "--pat", "/(x)_"])
        #expect(noMatch.status == 1 && noMatch.stderr.contains("finds no label in 22 of 22 files, e.g. \"\(dir.path)/only_one_0.jpg\""))
        let missing = try CLI.run(["data", dir.path + "/nope", "--folder"])
        #expect(missing.status == 1 && missing.stderr.contains("nope: not a folder"))
        let twoSources = try CLI.run(["data", dir.path, "--folder", "--pat", "x"])
        #expect(twoSources.status != 0 && twoSources.stderr.contains("exactly one of --pat REGEX, --folder or --csv FILE"))
        for r in [one, badRegex, noMatch, missing] { #expect(!r.stderr.contains("Fatal error")) }
    }
}
