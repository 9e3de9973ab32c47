import Foundation
import Testing

/// Runs the built `learnerlens` binary, as a user would.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        for config in ["debug", "release"] {
            let url = root.appendingPathComponent(".build/\(config)/learnerlens")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/learnerlens")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs with no weights available (whatever the user's cache holds) unless `environment` says otherwise.
    static func run(_ arguments: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LEARNERLENS_WEIGHTS"] = "/nonexistent/learnerlens-weights"
        env["XDG_CACHE_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("ll-no-cache").path
        // torchvision's download caches too: $TORCH_HOME and ~/.cache/torch.
        env["TORCH_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("ll-no-torch").path
        env["HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("ll-no-home").path
        env["NO_COLOR"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let cwd { process.currentDirectoryURL = cwd }
        // stderr goes to a file so that neither pipe can fill up and block the child.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("ll-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        let err = try FileHandle(forWritingTo: errFile)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Compares with a golden file next to the tests; `LEARNERLENS_RECORD=1` rewrites it.
    static func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = root.appendingPathComponent("Tests/learnerlensTests/Golden/\(name)")
        if ProcessInfo.processInfo.environment["LEARNERLENS_RECORD"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing golden file Golden/\(name); record it with LEARNERLENS_RECORD=1", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        guard actual != expected else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for i in 0..<max(a.count, e.count) where (i < a.count ? a[i] : nil) != (i < e.count ? e[i] : nil) {
            diff.append("line \(i + 1):\n  expected: \(i < e.count ? String(e[i]) : "<none>")\n  actual:   \(i < a.count ? String(a[i]) : "<none>")")
            if diff.count == 8 { break }
        }
        Issue.record(
            "\(name) differs from the golden file (LEARNERLENS_RECORD=1 to re-record):\n\(diff.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }
}
