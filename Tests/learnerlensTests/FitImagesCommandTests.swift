import Foundation
import Testing

/// `learnerlens fit` and `lr-find` on a folder of images (the fixture JPEGs and PNGs copied under pet-style names).
@Suite struct FitImagesCommandTests {
    static func fit(_ dir: URL, _ extra: [String]) throws -> CLI.Result {
        try CLI.run(
            ["fit", dir.path, "--pat", DataCommandTests.pattern, "--arch", "resnet18", "--no-pretrained", "--size", "16", "--bs", "4"] + extra)
    }

    static func json(_ r: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    }

    @Test func trainsOnAFolderTheSameWithAnyNumberOfWorkers() throws {
        let dir = try DataCommandTests.petsFolder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let text = try Self.fit(dir, [])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0].hasPrefix("# create_cnn(resnet18, pretrained=False)") && lines[0].contains(" 18 train / 4 valid, size "))
        #expect(lines.count == 3 && lines[1].hasPrefix("epoch     train_loss  valid_loss  error_rate  time"), "\(text.stdout)")
        #expect(lines.last?.range(of: #"^0 +\d+\.\d{6} +\d+\.\d{6} +[01]\.\d{6} +\d\d:\d\d"#, options: .regularExpression) != nil)

        var runs: [[String: Any]] = []
        for workers in ["0", "2"] {
            let r = try Self.fit(dir, ["--epochs", "2", "--workers", workers, "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            runs.append(try Self.json(r))
        }
        // 22 images, int(0.2·22) = 4 for validation; 18 / bs 4 = 4 batches per epoch (drop_last).
        #expect(runs[0]["train_images"] as? Int == 18 && runs[0]["valid_images"] as? Int == 4 && runs[0]["size"] as? Int == 16)
        let losses = try runs.map { try #require($0["losses"] as? [Double]) }
        #expect(losses[0].count == 8 && losses[0] == losses[1])
        let rows = try runs.map { try #require($0["rows"] as? [[String: Any]]) }
        #expect(rows[0].map { $0["valid_loss"] as? Double } == rows[1].map { $0["valid_loss"] as? Double })
    }

    @Test func lrFindRunsOnAFolder() throws {
        let dir = try DataCommandTests.petsFolder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let r = try CLI.run([
            "lr-find", dir.path, "--pat", DataCommandTests.pattern, "--arch", "resnet18", "--no-pretrained", "--size", "16", "--bs", "4",
            "--num-it", "6", "--no-stop-div", "--format", "json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let lrs = try #require(try Self.json(r)["lrs"] as? [Double])
        #expect(lrs.count == 6 && abs(lrs[0] - 1e-7) < 1e-15)
    }

    static let refusals: [([String], String)] = [
        (["fit", "--pat", "x"], "need a folder of images before them"),
        (["fit", "/nonexistent/pets", "--pat", "x"], "/nonexistent/pets: not a folder"),
        (["fit", "/tmp", "--pat", "x", "--folder"], "give exactly one of --pat REGEX, --folder or --csv FILE"),
        (["lr-find", "/tmp"], "with a folder, give exactly one of --pat REGEX, --folder or --csv FILE"),
        (["fit", "/tmp", "--folder", "--workers=-1"], "--workers must be 0 or more, got -1"),
    ]

    @Test(arguments: refusals)
    func refusesBadInput(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func tooFewImagesForABatchIsNamed() throws {
        let dir = try DataCommandTests.petsFolder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let r = try Self.fit(dir, ["--bs", "64"])
        #expect(r.status != 0 && r.stderr.contains("18 training images, fewer than one batch of --bs 64"), "\(r.stderr)")
    }
}
