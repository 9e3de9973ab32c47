import Foundation
import Testing

/// `learnerlens fit --save` → `fit --load` → `learnerlens predict`, end to end with the built binary on a
/// tiny Fashion-MNIST subset (when Debian's dataset-fashion-mnist is installed).
@Suite struct PredictCommandTests {
    static let dataPresent = FitCommandTests.dataPresent
    static let image = CLI.root.appendingPathComponent("Tests/FastaiTests/Fixtures/images/jpeg_grey.jpg").path

    @Test(.enabled(if: dataPresent))
    func savesLoadsAndPredicts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors").path
        let fit = try CLI.run(FitCommandTests.tiny + ["--save", model])
        #expect(fit.status == 0, "\(fit.stderr)")

        // Training goes on from the file; a frozen learner does not fit its optimizer state.
        let resumed = try CLI.run(FitCommandTests.tiny + ["--load", model])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.hasPrefix("# create_cnn(resnet18, pretrained=False)") && resumed.stdout.contains(", from \(model)"))
        let frozen = try CLI.run(["fit", "--train-subset", "64", "--valid-subset", "32", "--bs", "32", "--load", model])
        #expect(frozen.status == 1)
        #expect(frozen.stderr.contains("the saved optimizer does not fit this learner's: the file trains 20 parameter(s)"), "\(frozen.stderr)")
        let otherArch = try CLI.run(FitCommandTests.tiny.map { $0 == "resnet18" ? "resnet34" : $0 } + ["--load", model])
        #expect(otherArch.stderr.contains("m.safetensors holds a resnet18 learner, but this learner is resnet34"), "\(otherArch.stderr)")

        let text = try CLI.run(["predict", "--model", model, "--fashion-mnist-test", "0", "1"])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(
            lines[0].range(of: #"^fashion-mnist test 0 \(label: Ankle boot\): Category .+, tensor\(\d\)$"#, options: .regularExpression)
                != nil, "\(lines[0])")
        #expect(lines[1].range(of: #"^  tensor\(\[(\d\.\d{4}e[-+]\d\d(, )?){10}\]\)$"#, options: .regularExpression) != nil, "\(lines[1])")

        let json = try CLI.run(["predict", "--model", model, Self.image, "--fashion-mnist-test", "0", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["arch"] as? String == "resnet18" && object["size"] as? Int == 28)
        let classes = try #require(object["classes"] as? [String])
        #expect(classes.count == 10 && classes.first == "T-shirt/top")
        let predictions = try #require(object["predictions"] as? [[String: Any]])
        #expect(predictions.map { $0["source"] as? String } == [Self.image, "fashion-mnist test 0"])
        for p in predictions {
            let probs = try #require(p["probs"] as? [Double])
            let index = try #require(p["index"] as? Int)
            #expect(probs.count == 10 && abs(probs.reduce(0, +) - 1) < 1e-5)
            #expect(probs[index] == probs.max())
            #expect(p["category"] as? String == classes[index])
        }
        // The text and json runs agree on test image 0.
        #expect(lines[0].contains("Category \(predictions[1]["category"] as? String ?? "?"), tensor(\(predictions[1]["index"] as? Int ?? -1))"))

        let outside = try CLI.run(["predict", "--model", model, "--fashion-mnist-test", "10000"])
        #expect(outside.status == 1 && outside.stderr.contains("the test set has 10000 images"), "\(outside.stderr)")
    }

    static let refusals: [([String], String)] = [
        (["predict", "--model", "/nonexistent/m.safetensors", "x.png"], "--model"),
        (["predict", "--model", "m.safetensors"], "give image files or --fashion-mnist-test indices"),
        (["predict", "--model", "m.safetensors", "--fashion-mnist-test=-1"], "--fashion-mnist-test indices start at 0"),
    ]

    @Test(arguments: refusals)
    func refusesBadInput(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    /// A plain state dict (no LearnerLens metadata) is refused with a pointer to --weights.
    @Test func refusesABareStateDict() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ll-bare-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        // A minimal safetensors file: an 8-byte header length, then `{}` padded.
        var data = Data([8, 0, 0, 0, 0, 0, 0, 0])
        data.append(contentsOf: Array("{}      ".utf8))
        try data.write(to: file)
        let r = try CLI.run(["predict", "--model", file.path, Self.image])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not a LearnerLens learner file"), "\(r.stderr)")
    }
}
