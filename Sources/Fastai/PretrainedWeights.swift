import Foundation
import NN
import Tensors

/// Where torchvision's pretrained weights for an arch were looked for, and what was found.
public struct PretrainedWeights: Sendable, Equatable {
    /// The environment variable that names a weights file or a folder of `<arch>.safetensors`.
    public static let environmentVariable = "LEARNERLENS_WEIGHTS"

    /// The per-user folder searched last: `~/.cache/learnerlens/weights`
    /// (or `$XDG_CACHE_HOME/learnerlens/weights`).
    public static func userDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let cache = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("learnerlens/weights")
    }

    /// Every place searched, in order.
    public var searched: [String]
    /// The file that will be loaded, if any.
    public var file: URL?

    /// A lookup result; `PretrainedWeights(searched: [], file: nil)` means "do not load any".
    public init(searched: [String], file: URL?) {
        self.searched = searched
        self.file = file
    }

    /// Looks for `arch`'s weights: the explicit file, then the environment variable, then the user folder.
    public static func locate(
        _ arch: Architecture, explicit: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PretrainedWeights {
        var candidates: [URL] = []
        if let explicit { candidates.append(explicit) }
        if let env = environment[environmentVariable], !env.isEmpty {
            var isDir: ObjCBool = false
            let url = URL(fileURLWithPath: env)
            if FileManager.default.fileExists(atPath: env, isDirectory: &isDir), isDir.boolValue {
                candidates.append(url.appendingPathComponent("\(arch.rawValue).safetensors"))
            } else {
                candidates.append(url)
            }
        }
        candidates.append(userDirectory(environment: environment).appendingPathComponent("\(arch.rawValue).safetensors"))
        let found = candidates.first { FileManager.default.isReadableFile(atPath: $0.path) }
        // An explicit file that does not exist is not silently replaced by another one.
        if let explicit, found != explicit {
            return PretrainedWeights(searched: [explicit.path], file: nil)
        }
        return PretrainedWeights(searched: candidates.map(\.path), file: found)
    }

    /// Loads the found file into `model` (strict), naming mismatched keys when it is another arch's.
    public func load(into model: Module) throws -> Bool {
        guard let file else { return false }
        let archive = try SafetensorsArchive.read(contentsOf: file)
        do {
            try model.loadStateDict(archive.tensors, strict: true, source: file.lastPathComponent)
        } catch {
            let firstMissing = error.missingKeys.prefix(3).joined(separator: ", ")
            let firstUnexpected = error.unexpectedKeys.prefix(3).joined(separator: ", ")
            let mismatch = error.shapeMismatches.prefix(3).map { "\($0.0) \(Tensor.describe($0.2)) vs \(Tensor.describe($0.1))" }
            var parts: [String] = []
            if !firstMissing.isEmpty { parts.append("missing \(firstMissing)") }
            if !firstUnexpected.isEmpty { parts.append("unexpected \(firstUnexpected)") }
            if !mismatch.isEmpty { parts.append("shape mismatch \(mismatch.joined(separator: ", "))") }
            throw FastaiError(
                "\(file.path) does not hold weights for this model (\(error.missingKeys.count) missing, \(error.unexpectedKeys.count) unexpected, \(error.shapeMismatches.count) mismatched keys: \(parts.joined(separator: "; ")))"
            )
        }
        return true
    }
}
