import Foundation
import NN

/// What checking a weights file's name against its contents found.
public enum HashCheck: Sendable, Equatable {
    /// The name carries no hash (our own cache, a file the user named): nothing to check.
    case notNamed
    /// The name's hex digits are the start of the file's SHA-256.
    case verified(String)
    /// The name promises one hash, the bytes give another: the file is never used.
    case mismatch(expected: String, actual: String)
    /// The file could not be read to hash it.
    case unreadable(String)

    /// Whether a file with this result may be loaded.
    public var usable: Bool {
        switch self {
        case .notNamed, .verified: true
        case .mismatch, .unreadable: false
        }
    }

    /// `verified`, `mismatch`, … (JSON).
    public var status: String {
        switch self {
        case .notNamed: "not named"
        case .verified: "verified"
        case .mismatch: "mismatch"
        case .unreadable: "unreadable"
        }
    }

    /// A phrase for people.
    public var summary: String {
        switch self {
        case .notNamed: "no hash in the name"
        case .verified(let h): "SHA-256 \(h)… verified"
        case .mismatch(let e, let a): "SHA-256 mismatch: the name says \(e), the file hashes to \(a.prefix(e.count))… — not used"
        case .unreadable(let why): "unreadable (\(why)) — not used"
        }
    }

    /// torchvision's check: the hex digits after the last `-` before the first `.` of the name
    /// (`HASH_REGEX = r'-([a-f0-9]*)\.'`) must start the file's SHA-256.
    public static func check(_ url: URL) -> HashCheck {
        guard let expected = namedHash(url.lastPathComponent) else { return .notNamed }
        do {
            let actual = try FileDigest.sha256(of: url)
            return actual.hasPrefix(expected) ? .verified(expected) : .mismatch(expected: expected, actual: actual)
        } catch {
            return .unreadable(error.localizedDescription)
        }
    }

    /// The hash in a torchvision file name (`resnet34-b627a593.pth` → `b627a593`), if any.
    public static func namedHash(_ name: String) -> String? {
        // The first "-" followed by lowercase hex digits and a ".", as re.search(r'-([a-f0-9]*)\.') finds it.
        let chars = Array(name)
        for (i, c) in chars.enumerated() where c == "-" {
            var j = i + 1
            while j < chars.count, chars[j].isHexDigit, !chars[j].isUppercase { j += 1 }
            if j < chars.count, chars[j] == ".", j > i + 1 { return String(chars[(i + 1)..<j]) }
        }
        return nil
    }
}

/// One weights file considered for an architecture: where it came from and its hash check.
public struct WeightsCandidate: Sendable, Equatable {
    /// Where a candidate was found.
    public enum Origin: String, Sendable {
        case option = "--weights"
        case environment = "LEARNERLENS_WEIGHTS"
        case cache = "learnerlens cache"
        case torchHub = "torch hub cache"
    }

    public var url: URL
    public var origin: Origin
    public var hash: HashCheck

    public init(url: URL, origin: Origin, hash: HashCheck) {
        self.url = url
        self.origin = origin
        self.hash = hash
    }
}

/// torchvision's download cache: where `torch.hub.load_state_dict_from_url` puts `<arch>-<hash>.pth`.
public enum TorchHubCache {
    /// The file names torchvision has published for each architecture, newest first.
    public static let knownNames: [Architecture: [String]] = [
        .resnet18: ["resnet18-f37072fd.pth", "resnet18-5c106cde.pth"],
        .resnet34: ["resnet34-b627a593.pth", "resnet34-333f7ec4.pth"],
        .resnet50: ["resnet50-0676ba61.pth", "resnet50-11ad3fa6.pth", "resnet50-19c8e357.pth"],
        .resnet101: ["resnet101-63fe2227.pth", "resnet101-cd907fc2.pth", "resnet101-5d3b4d8f.pth"],
        .resnet152: ["resnet152-394f9c45.pth", "resnet152-f82ba261.pth", "resnet152-b121ed2d.pth"],
        .densenet121: ["densenet121-a639ec97.pth"],
        .vgg16_bn: ["vgg16_bn-6c64b313.pth"],
        .alexnet: ["alexnet-owt-7be5be79.pth", "alexnet-owt-4df8aa71.pth"],
        .squeezenet1_1: ["squeezenet1_1-b8a52dc0.pth", "squeezenet1_1-f364aa15.pth"],
    ]

    /// The `hub/checkpoints` folders, in torch's order (`$TORCH_HOME`, `$XDG_CACHE_HOME/torch`,
    /// `~/.cache/torch`); torch itself uses the first that applies, LearnerLens looks in each.
    public static func directories(environment: [String: String]) -> [URL] {
        var roots: [URL] = []
        if let t = environment["TORCH_HOME"], !t.isEmpty { roots.append(URL(fileURLWithPath: t)) }
        if let x = environment["XDG_CACHE_HOME"], !x.isEmpty { roots.append(URL(fileURLWithPath: x).appendingPathComponent("torch")) }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        roots.append(home.appendingPathComponent(".cache/torch"))
        var seen = Set<String>()
        return roots.map { $0.appendingPathComponent("hub/checkpoints") }.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// `<arch>-….pth` files in `directory`: torchvision's published names first, then the rest by name.
    public static func files(for arch: Architecture, in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let known = knownNames[arch] ?? []
        let matching = names.filter { $0.hasPrefix("\(arch.rawValue)-") && $0.hasSuffix(".pth") }
        let ordered = matching.sorted { a, b in
            let (ia, ib) = (known.firstIndex(of: a) ?? known.count, known.firstIndex(of: b) ?? known.count)
            return ia != ib ? ia < ib : a < b
        }
        return ordered.map { directory.appendingPathComponent($0) }
    }
}
