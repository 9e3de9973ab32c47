import Foundation
import NN
import Tensors

/// `learnerlens weights import`: a checked copy of a weights file into our cache.
public struct WeightsImport: Sendable, Equatable {
    /// The architecture the file holds weights for.
    public var arch: Architecture
    /// The file written: `<cache>/<arch>.safetensors`.
    public var destination: URL
    /// Tensors written.
    public var tensors: Int
    /// The SHA-256 of the imported file.
    public var sha256: String
    /// The source file's hash check (torchvision names carry one).
    public var hash: HashCheck

    /// Reads `source` (.pth or .safetensors), checks every tensor name and shape against `arch`
    /// (or the architecture its name starts with, or the one it fits), and writes it as float32
    /// safetensors into `PretrainedWeights.userDirectory`. A file for another model fails with
    /// `load_state_dict(strict=True)`'s list of missing, unexpected and mismatched keys.
    public static func run(
        _ source: URL, arch: Architecture?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WeightsImport {
        let hash = HashCheck.check(source)
        guard hash.usable else { throw FastaiError("\(source.path): \(hash.summary)") }
        let named = arch ?? guessArchitecture(source.lastPathComponent)
        var chosen: (Architecture, Module)?
        if let named {
            let archive = try PretrainedWeights.readStateDict(source, arch: named)
            var g = RandomGenerator(seed: 0)
            let model = named.make(generator: &g)
            try model.loadStateDict(archive.tensors, strict: true, source: source.lastPathComponent)
            chosen = (named, model)
        } else {
            // No name to go by: the architecture whose state dict the file fits exactly.
            for candidate in Architecture.allCases {
                let archive = try PretrainedWeights.readStateDict(source, arch: candidate)
                var g = RandomGenerator(seed: 0)
                let model = candidate.make(generator: &g)
                if (try? model.loadStateDict(archive.tensors, strict: true)) != nil {
                    chosen = (candidate, model)
                    break
                }
            }
        }
        guard let (found, model) = chosen else {
            throw FastaiError(
                "\(source.path) does not fit any of \(Architecture.knownNames) exactly: name the architecture with --arch to see which keys differ")
        }
        var archive = model.stateArchive()
        let sha = try FileDigest.sha256(of: source)
        archive.metadata = ["source": source.lastPathComponent, "sha256": sha, "arch": found.rawValue, "format": "pt"]
        let directory = PretrainedWeights.userDirectory(environment: environment)
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw FastaiError("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let destination = directory.appendingPathComponent("\(found.rawValue).safetensors")
        try archive.write(to: destination)
        return WeightsImport(arch: found, destination: destination, tensors: archive.tensors.count, sha256: sha, hash: hash)
    }

    /// The architecture a file name starts with (`resnet34-b627a593.pth` → resnet34), longest name first.
    public static func guessArchitecture(_ fileName: String) -> Architecture? {
        let stem = fileName.split(separator: ".").first.map(String.init) ?? fileName
        return Architecture.allCases.sorted { $0.rawValue.count > $1.rawValue.count }.first {
            stem == $0.rawValue || stem.hasPrefix("\($0.rawValue)-") || stem.hasPrefix("\($0.rawValue)_")
        }
    }
}
