import Foundation
import Testing

@Suite(.serialized) struct ModelCommandTests {
    /// `--cut` speaks a lesson's vocabulary: none is the arch's meta, pool the last-pool rule.
    @Test func cutSpeaksTheLessonsVocabulary() throws {
        for (cut, expected, children) in [("none", "-2", 8), ("meta", "-2", 8), ("pool", "None", 8), ("-3", "-3", 7)] {
            let r = try CLI.run(["summary", "--arch", "resnet18", "--cut", cut, "--format", "json", "--image-size", "32", "--batch-size", "1"])
            #expect(r.status == 0, "\(r.stderr)")
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            #expect(doc?["cut"] as? String == expected, "--cut \(cut)")
            #expect((doc?["body"] as? [String: Any])?["children"] as? Int == children, "--cut \(cut)")
        }
    }

    @Test func summaryJSONCarriesTheReferenceNumbers() throws {
        let r = try CLI.run(["summary", "--arch", "resnet34", "--format", "json", "--image-size", "64", "--batch-size", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("no pretrained weights for resnet34"))
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(doc["arch"] as? String == "resnet34")
        #expect(doc["cut"] as? String == "-2")
        #expect(doc["nf"] as? Int == 1024)
        let body = doc["body"] as! [String: Any]
        #expect(body["children"] as? Int == 8)
        let shapes = body["dummy_shapes"] as! [[String: Any]]
        #expect(shapes.last?["shape"] as? [Int] == [1, 512, 2, 2])
        #expect(shapes.first?["type"] as? String == "Conv2d")
        let head = doc["head"] as! [[String: Any]]
        #expect(
            head.map { $0["type"] as! String } == [
                "AdaptiveConcatPool2d", "Flatten", "BatchNorm1d", "Dropout", "Linear", "ReLU", "BatchNorm1d", "Dropout", "Linear",
            ])
        #expect(head[2]["features"] as? Int == 1024 && head[3]["p"] as? Double == 0.25)
        #expect(head[4]["in"] as? Int == 1024 && head[4]["out"] as? Int == 512)
        let params = doc["params"] as! [String: Int]
        #expect(params == ["total": 21_831_525, "body": 21_284_672, "head": 546_853, "trainable": 563_877])
        let groups = doc["layer_groups"] as! [[String: Int]]
        #expect(groups.map { $0["leaves"] } == [41, 49, 10])
        #expect(groups.map { $0["params"] } == [1_347_904, 19_936_768, 546_853])
        #expect(doc["output_shape"] as? [Int] == [2, 37])
    }

    @Test func summaryTextCSVAndMarkdown() throws {
        let text = try CLI.run([
            "summary", "--arch", "resnet18", "--classes", "10", "--image-size", "64", "--lin-ftrs", "512,256", "--ps", "0.2,0.4,0.5",
        ])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Input [1, 3, 64, 64] → output [1, 10]"))
        let csv = try CLI.run(["summary", "--arch", "resnet18", "--image-size", "64", "--format", "csv", "--expand", "--no-pretrained"])
        #expect(csv.stdout.hasPrefix("path,type,depth,input_shape,output_shape,params,trainable_params,layer_groups\n"))
        #expect(csv.stdout.contains("0.4.0.conv1,Conv2d,3,"))
        let md = try CLI.run(["summary", "--arch", "resnet18", "--image-size", "64", "--format", "markdown"])
        #expect(md.stdout.contains("| Layer (type) |"))
    }

    @Test(arguments: [
        (["summary", "--arch", "resnet35"], "unknown arch 'resnet35'"),
        (["summary", "--classes", "0"], "--classes must be at least 1"),
        (["summary", "--cut", "-20"], "keeps none of the 10 children"),
        (["summary", "--ps", "1.0"], "--ps values must be in [0, 1)"),
        (["summary", "--lin-ftrs", "512,-3"], "--lin-ftrs sizes must be positive"),
        (["summary", "--arch", "vgg16_bn", "--image-size", "16"], "pixels is too small for vgg16_bn"),
        (["summary", "--weights", "/nonexistent/w.safetensors"], "--weights /nonexistent/w.safetensors: no such file"),
    ])
    func badOptionsFailClearly(arguments: [String], message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func weightsForAnotherArchNameTheMismatchedKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-w-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A tiny "weights file" holding one resnet tensor under a wrong name.
        let w = dir.appendingPathComponent("w.safetensors")
        var bytes = Data()
        let header = #"{"features.0.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(Data(header.utf8))
        bytes.append(contentsOf: [0, 0, 0, 0])
        try bytes.write(to: w)
        let r = try CLI.run(["summary", "--arch", "resnet18", "--weights", w.path, "--image-size", "64"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("does not hold weights for this model"))
        #expect(r.stderr.contains("unexpected features.0.weight"))
        #expect(r.stderr.contains("missing conv1.weight"))
    }

    @Test func forwardWritesTheOutputTensor() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-f-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The model fixtures are big and made by scripts/make_fixtures.py --models; use them when present.
        let fixtures = CLI.root.appendingPathComponent(".fixtures")
        guard
            ProcessInfo.processInfo.environment["LEARNERLENS_REQUIRE_MODEL_FIXTURES"] == "1"
                || FileManager.default.fileExists(atPath: fixtures.appendingPathComponent("resnet34_cnn.weights.safetensors").path)
        else { return }
        let out = dir.appendingPathComponent("y.safetensors")
        let r = try CLI.run([
            "forward", "--create-cnn", "--arch", "resnet34", "--classes", "37", "--weights",
            fixtures.appendingPathComponent("resnet34_cnn.weights.safetensors").path, "--input",
            fixtures.appendingPathComponent("resnet34_cnn.io.safetensors").path, "--output", out.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.path))
    }
}
