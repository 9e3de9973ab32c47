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
        let cache =
            environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("learnerlens/weights")
    }

    /// Every place searched, in order.
    public var searched: [String]
    /// The file that will be loaded, if any.
    public var file: URL?
    /// Every existing file considered, in search order, with its hash check.
    public var candidates: [WeightsCandidate] = []
    /// The architecture looked for (DenseNet's older key names are renamed on load).
    public var arch: Architecture?

    /// A lookup result; `PretrainedWeights(searched: [], file: nil)` means "do not load any".
    public init(searched: [String], file: URL?) {
        self.searched = searched
        self.file = file
    }

    /// The chosen file's candidate (its origin and hash check).
    public var chosen: WeightsCandidate? { candidates.first { $0.url == file } }

    /// Which weights a lesson uses, for people: the file and its hash status, or random initialisation.
    public var summary: String {
        // An empty search is a run that asked for no weights (`--random-weights`: reproducible anywhere).
        if searched.isEmpty && file == nil { return "random initialisation (reproducible run: weights not looked for)" }
        guard let file else { return "random initialisation (no weights found — see learnerlens weights)" }
        // A lookup made by hand (`init(searched:file:)`) has no checked candidate: no hash status to give.
        guard let chosen else { return "\(file.lastPathComponent) (\(file.deletingLastPathComponent().path))" }
        return "\(file.lastPathComponent) (\(chosen.hash.summary); \(file.deletingLastPathComponent().path))"
    }

    /// Looks for `arch`'s weights: the explicit file, the environment variable, our cache, then
    /// torchvision's download cache (`<arch>-<hash>.pth`, whose hash is checked). A file whose
    /// hash does not match its name is listed but never chosen.
    public static func locate(
        _ arch: Architecture, explicit: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PretrainedWeights {
        var places: [(URL, WeightsCandidate.Origin)] = []
        var searched: [String] = []
        if let explicit { places.append((explicit, .option)) }
        if let env = environment[environmentVariable], !env.isEmpty {
            var isDir: ObjCBool = false
            let url = URL(fileURLWithPath: env)
            if FileManager.default.fileExists(atPath: env, isDirectory: &isDir), isDir.boolValue {
                places.append((url.appendingPathComponent("\(arch.rawValue).safetensors"), .environment))
            } else {
                places.append((url, .environment))
            }
        }
        places.append((userDirectory(environment: environment).appendingPathComponent("\(arch.rawValue).safetensors"), .cache))
        searched = places.map(\.0.path)
        // An explicit file is the only one looked at: it is not silently replaced by another one.
        if explicit == nil {
            for dir in TorchHubCache.directories(environment: environment) {
                searched.append(dir.appendingPathComponent("\(arch.rawValue)-<hash>.pth").path)
                places += TorchHubCache.files(for: arch, in: dir).map { ($0, .torchHub) }
            }
        } else {
            places = [places[0]]
            searched = [places[0].0.path]
        }
        let candidates = places.filter { FileManager.default.isReadableFile(atPath: $0.0.path) }.map {
            WeightsCandidate(url: $0.0, origin: $0.1, hash: HashCheck.check($0.0))
        }
        let found = candidates.first { $0.hash.usable }?.url
        var result = PretrainedWeights(searched: searched, file: found)
        result.candidates = candidates
        result.arch = arch
        return result
    }

    /// Reads a weights file (safetensors or a `torch.save` checkpoint) with the key names `arch`'s
    /// model uses (torchvision's DenseNet downloads use older names that it renames on load).
    public static func readStateDict(_ url: URL, arch: Architecture?) throws -> SafetensorsArchive {
        var head = Data()
        if let handle = try? FileHandle(forReadingFrom: url) {
            head = (try? handle.read(upToCount: 512)) ?? Data()
            try? handle.close()
        }
        var archive =
            TorchCheckpoint.format(of: head) == .unknown && url.pathExtension != "pth" && url.pathExtension != "pt"
            ? try SafetensorsArchive.read(contentsOf: url) : try TorchCheckpoint.read(contentsOf: url)
        if arch == .densenet121 { archive = renamingDenseNetKeys(archive) }
        return archive
    }

    /// torchvision's `_load_state_dict` for DenseNet: `…denselayerN.norm.1.weight` → `…denselayerN.norm1.weight`.
    static func renamingDenseNetKeys(_ archive: SafetensorsArchive) -> SafetensorsArchive {
        var out = archive
        for name in archive.names {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4, let i = parts.lastIndex(where: { $0.hasPrefix("denselayer") }), i + 3 == parts.count - 1,
                ["norm", "relu", "conv"].contains(parts[i + 1]), ["1", "2"].contains(parts[i + 2]),
                ["weight", "bias", "running_mean", "running_var"].contains(parts[i + 3])
            else { continue }
            let renamed = (parts[...i] + [parts[i + 1] + parts[i + 2], parts[i + 3]]).joined(separator: ".")
            out.tensors[renamed] = out.tensors.removeValue(forKey: name)
            out.dtypes[renamed] = out.dtypes.removeValue(forKey: name)
        }
        return out
    }

    /// Loads the found file into `model` (strict), naming mismatched keys when it is another arch's.
    public func load(into model: Module) throws -> Bool {
        guard let file else { return false }
        let archive = try Self.readStateDict(file, arch: arch)
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
