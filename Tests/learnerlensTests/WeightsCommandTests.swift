import Foundation
import Testing

/// `learnerlens weights` and `weights import`, run as a user would, against a temporary cache.
@Suite struct WeightsCommandTests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/TensorsTests/Fixtures/checkpoints")

    /// A fresh folder standing in for the user's caches.
    func sandbox() throws -> (URL, [String: String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("torch/hub/checkpoints"), withIntermediateDirectories: true)
        return (dir, ["XDG_CACHE_HOME": dir.path, "TORCH_HOME": dir.appendingPathComponent("torch").path, "HOME": dir.path])
    }

    func sha256(_ url: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [url.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    func json(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    @Test func listsNineArchitecturesWithNothingFound() throws {
        let (dir, env) = try sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try CLI.run(["weights"], environment: env)
        #expect(text.status == 0)
        #expect(text.stdout.contains("\(dir.path)/torch/hub/checkpoints/<arch>-<hash>.pth"))
        #expect(text.stdout.components(separatedBy: "random initialisation (no weights found)").count == 10)
        let items = try json(try CLI.run(["weights", "--format", "json"], environment: env).stdout)
        #expect(
            items.map { $0["arch"] as? String } == [
                "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "densenet121", "vgg16_bn", "alexnet", "squeezenet1_1",
            ])
        #expect(items.allSatisfy { $0["uses"] is NSNull })
    }

    @Test func checksTorchvisionsHashAndNeverUsesAMismatch() throws {
        let (dir, env) = try sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Self.fixtures.appendingPathComponent("small_f32.pth")
        let hub = dir.appendingPathComponent("torch/hub/checkpoints")
        let hash = String(try sha256(source).prefix(8))
        try FileManager.default.copyItem(at: source, to: hub.appendingPathComponent("resnet18-00000000.pth"))
        try FileManager.default.copyItem(at: source, to: hub.appendingPathComponent("resnet18-\(hash).pth"))
        let items = try json(try CLI.run(["weights", "--format", "json"], environment: env).stdout)
        let resnet18 = try #require(items.first)
        #expect(resnet18["uses"] as? String == hub.appendingPathComponent("resnet18-\(hash).pth").path)
        let found = try #require(resnet18["found"] as? [[String: Any]])
        #expect(found.map { $0["hash"] as? String } == ["mismatch", "verified"])
        #expect(found.first?["expected"] as? String == "00000000")

        // The verified file is found, but it is not resnet18's state dict: a clean error naming the keys.
        let summary = try CLI.run(["summary", "--arch", "resnet18"], environment: env)
        #expect(summary.status == 1)
        #expect(summary.stderr.contains("does not hold weights for this model"))

        let imported = try CLI.run(["weights", "import", hub.appendingPathComponent("resnet18-00000000.pth").path], environment: env)
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("SHA-256 mismatch: the name says 00000000"))
    }

    @Test func importOfTheWrongFileListsKeysLikeLoadStateDict() throws {
        let (dir, env) = try sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(
            ["weights", "import", Self.fixtures.appendingPathComponent("small_f32.pth").path, "--arch", "resnet18"], environment: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Error(s) in loading state_dict from small_f32.pth"))
        #expect(r.stderr.contains("Missing key(s): \"conv1.weight\""))
        #expect(r.stderr.contains("Unexpected key(s): \"bn.bias\""))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("learnerlens/weights/resnet18.safetensors").path))
    }

    @Test func refusesAMaliciousCheckpoint() throws {
        let (dir, env) = try sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(
            ["weights", "import", Self.fixtures.appendingPathComponent("malicious.pth").path, "--arch", "resnet18"], environment: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("refusing to load"))
        #expect(r.stderr.contains("`posix.system` is not a tensor"))
    }

    /// Opt-in (`LEARNERLENS_TORCH_CHECKPOINTS`, see TorchCheckpointModelTests): a real resnet34 checkpoint imported, then used.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LEARNERLENS_TORCH_CHECKPOINTS"] != nil))
    func importsAResnet34CheckpointThenSummaryUsesIt() throws {
        let (dir, env) = try sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LEARNERLENS_TORCH_CHECKPOINTS"]!)
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().first { $0.hasPrefix("resnet34-") && $0.hasSuffix(".pth") })
        let r = try CLI.run(["weights", "import", folder.appendingPathComponent(name).path], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imported 218 tensors for resnet34"))
        let summary = try CLI.run(["summary", "--arch", "resnet34"], environment: env)
        #expect(summary.stdout.contains("Weights: resnet34.safetensors (no hash in the name; \(dir.path)/learnerlens/weights)"))
    }
}
