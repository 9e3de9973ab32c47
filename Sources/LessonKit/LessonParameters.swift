import Fastai
import Foundation
import NN

/// A lesson's parameters: front matter, overridden by `--set key=value` and per cell by `#| key: value`.
public struct LessonParameters: Sendable, Equatable {
    public var title = "Untitled lesson"
    public var summary = ""
    public var arch: Architecture = .resnet34
    /// Number of classes (`data.c`); 37 means the Oxford-IIIT Pet breeds.
    public var classes = 37
    public var imageSize = 224
    public var batchSize = 4
    public var seed: UInt64 = 42
    public var pretrained = true
    /// `nil`: the arch's meta decides.
    public var cut: Cut?
    /// `"fastai"` (model_meta as in 1.0.61) or `"default"` (`_default_meta`, as for an unknown arch).
    public var meta = "fastai"
    public var linFtrs: [Int]?
    public var ps: DropoutSpec = .single(0.5)
    public var inChannels = 3
    public var trainBN = true
    /// The fastai version the lesson's code cells show (`1.0.20`); `nil`: the lesson does not say.
    public var fastaiVersion: String?
    /// Training lessons: the images (`fashion-mnist`, Debian's package, or a folder of labelled
    /// images), how many of them, and `fit`'s epochs.
    public var data = "fashion-mnist"
    /// With a folder of photos whose names carry the label (the Oxford-IIIT Pet images): `from_name_re`'s
    /// pattern, group 1 the label. Lesson 1's by default.
    public var pat = #"/([^/]+)_\d+.jpg$"#
    /// `nil`: every training / validation image.
    public var trainSubset: Int?
    public var validSubset: Int?
    public var epochs = 1
    /// True once any training parameter was given: only then do pages list them.
    public private(set) var mentionsTraining = false

    public init() {}

    /// The largest batch a lesson may ask for, and the largest image side: a teaching tool must not
    /// exhaust the machine (a resnet50 batch of 64 at 448 px would need ~20 GB of activations).
    public static let maxBatchSize = 64
    public static let maxImageSize = 1024
    public static let maxPixelsPerBatch = 16 * 448 * 448

    /// Every key, in the order lessons usually list them.
    public static let keys = [
        "title", "summary", "arch", "classes", "image_size", "batch_size", "seed", "pretrained", "cut", "meta",
        "lin_ftrs", "ps", "in_channels", "train_bn", "fastai_version", "data", "pat", "train_subset", "valid_subset", "epochs",
    ]

    /// The keys only training steps read.
    static let trainingKeys: Set<String> = ["data", "pat", "train_subset", "valid_subset", "epochs"]

    /// Keys a cell may override for itself (everything but what describes the whole lesson).
    public static var cellKeys: [String] { keys.filter { !["title", "summary", "fastai_version"].contains($0) } }

    /// Sets one parameter from its text form; the message says what was expected.
    public mutating func set(_ key: String, _ raw: String) throws(ParameterError) {
        let value = Self.unquote(raw.trimmingCharacters(in: .whitespaces))
        switch key {
        case "title":
            guard !value.isEmpty else { throw ParameterError("title must not be empty") }
            title = value
        case "summary": summary = value
        case "arch":
            guard let a = Architecture(rawValue: value) else {
                throw ParameterError(
                    "unknown arch '\(value)'\(suggestion(value, in: Architecture.allCases.map(\.rawValue))); known: \(Architecture.knownNames)")
            }
            arch = a
        case "classes": classes = try Self.int(value, key, min: 1, max: 100_000)
        case "image_size": imageSize = try Self.int(value, key, min: 1, max: Self.maxImageSize)
        case "batch_size": batchSize = try Self.int(value, key, min: 1, max: Self.maxBatchSize)
        case "seed":
            guard let s = UInt64(value) else { throw ParameterError("seed expects a non-negative integer, got '\(value)'") }
            seed = s
        case "pretrained": pretrained = try Self.bool(value, key)
        case "train_bn": trainBN = try Self.bool(value, key)
        case "cut": cut = try Self.cut(value)
        case "meta":
            guard value == "fastai" || value == "default" else {
                throw ParameterError("meta expects 'fastai' or 'default', got '\(value)'")
            }
            meta = value
        case "lin_ftrs":
            if Self.isNone(value) {
                linFtrs = nil
            } else {
                let sizes = try Self.list(value, key).map { (s: String) throws(ParameterError) -> Int in try Self.int(s, key, min: 1, max: 100_000) }
                guard !sizes.isEmpty else { throw ParameterError("lin_ftrs expects a non-empty list like [512, 256], or none") }
                linFtrs = sizes
            }
        case "ps":
            if value.hasPrefix("[") {
                let ps = try Self.list(value, key).map { (s: String) throws(ParameterError) -> Float in try Self.probability(s) }
                guard !ps.isEmpty else { throw ParameterError("ps expects a probability or a non-empty list of them") }
                self.ps = .list(ps)
            } else {
                ps = .single(try Self.probability(value))
            }
        case "in_channels": inChannels = try Self.int(value, key, min: 1, max: 64)
        case "fastai_version":
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
                throw ParameterError("fastai_version expects a release like 1.0.20, got '\(value)'")
            }
            fastaiVersion = value
        case "data":
            guard !value.isEmpty else { throw ParameterError("data expects fashion-mnist or a folder of images, got nothing") }
            data = value
        case "pat":
            guard !value.isEmpty else { throw ParameterError("pat expects a regular expression whose group 1 is the label, got nothing") }
            pat = value
        case "train_subset": trainSubset = Self.isNone(value) || value == "all" ? nil : try Self.int(value, key, min: 1, max: 10_000_000)
        case "valid_subset": validSubset = Self.isNone(value) || value == "all" ? nil : try Self.int(value, key, min: 1, max: 10_000_000)
        case "epochs": epochs = try Self.int(value, key, min: 1, max: 1000)
        default:
            throw ParameterError("unknown parameter '\(key)'\(suggestion(key, in: Self.keys)); known: \(Self.keys.joined(separator: ", "))")
        }
        if Self.trainingKeys.contains(key) { mentionsTraining = true }
        if key == "batch_size" || key == "image_size", batchSize * imageSize * imageSize > Self.maxPixelsPerBatch {
            throw ParameterError(
                "batch_size \(batchSize) at image_size \(imageSize) is more than LearnerLens runs (\(Self.maxPixelsPerBatch / (448 * 448)) images of 448×448 worth of pixels); use a smaller batch or image"
            )
        }
    }

    /// The parameters as facts, for JSON and index pages.
    public var facts: FactValue {
        .object(
            [
                ("title", .text(title)), ("summary", .text(summary)), ("arch", .text(arch.rawValue)), ("classes", .int(classes)),
                ("image_size", .int(imageSize)), ("batch_size", .int(batchSize)), ("seed", .int(Int(seed))),
                ("pretrained", .bool(pretrained)), ("cut", .text(cut?.description ?? "meta")), ("meta", .text(meta)),
                ("lin_ftrs", linFtrs.map { .list($0.map(FactValue.int)) } ?? .text("none")), ("ps", .text(ps.description)),
                ("in_channels", .int(inChannels)), ("train_bn", .bool(trainBN)),
            ] + (fastaiVersion.map { [("fastai_version", FactValue.text($0))] } ?? []) + trainingFacts)
    }

    /// The training parameters, when the lesson gave any.
    private var trainingFacts: [(String, FactValue)] {
        guard mentionsTraining else { return [] }
        return [
            ("data", .text(data)), ("pat", .text(pat)), ("train_subset", trainSubset.map(FactValue.int) ?? .text("all")),
            ("valid_subset", validSubset.map(FactValue.int) ?? .text("all")), ("epochs", .int(epochs)),
        ]
    }

    // MARK: Value syntax

    /// The one spelling of a cut, for lessons and the command line alike, in create_cnn's terms:
    /// `none` (or `meta`) is `cut=None`, the arch's `meta['cut']`; `pool` is the rule fastai ≥ 1.0.48
    /// applies to an arch without meta (cut before the last child with a pool layer); an integer is
    /// the end of the slice `children[:cut]`.
    public static func cut(_ raw: String) throws(ParameterError) -> Cut? {
        let value = unquote(raw.trimmingCharacters(in: .whitespaces))
        if isNone(value) || value == "meta" { return nil }
        if value == "pool" { return .lastPool }
        guard let i = Int(value) else {
            throw ParameterError("cut expects an integer, none (the arch's meta) or pool (before the last child with a pool layer), got '\(value)'")
        }
        guard i >= -1000 && i <= 1000 else { throw ParameterError("cut must be between -1000 and 1000, got \(i)") }
        guard i != 0 else { throw ParameterError("cut 0 keeps no layers; use a negative number (from the end) or a positive one") }
        return .index(i)
    }

    /// `--set key=value` arguments as pairs: the one place the command line's settings are parsed.
    /// A key must be a parameter; values are checked with each lesson's own (`LessonChecker`), since
    /// whether a batch size fits depends on the lesson's image size.
    public static func overrides(_ settings: [String]) throws(ParameterError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for s in settings {
            guard let i = s.firstIndex(of: "=") else { throw ParameterError("--set expects key=value, got '\(s)'") }
            let (key, value) = (String(s[..<i]), String(s[s.index(after: i)...]))
            guard keys.contains(key) else {
                throw ParameterError("--set \(s): unknown parameter '\(key)'\(suggestion(key, in: keys)); known: \(keys.joined(separator: ", "))")
            }
            pairs.append((key, value))
        }
        return pairs
    }

    public static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == s.last, f == "\"" || f == "'" { return String(s.dropFirst().dropLast()) }
        return s
    }

    static func isNone(_ s: String) -> Bool { ["none", "None", "null", "~"].contains(s) }

    public static func int(_ s: String, _ key: String, min: Int, max: Int) throws(ParameterError) -> Int {
        guard let v = Int(s) else { throw ParameterError("\(key) expects an integer, got '\(s)'") }
        guard v >= min && v <= max else { throw ParameterError("\(key) must be between \(min) and \(max), got \(v)") }
        return v
    }

    public static func bool(_ s: String, _ key: String) throws(ParameterError) -> Bool {
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw ParameterError("\(key) expects true or false, got '\(s)'")
        }
    }

    static func probability(_ s: String) throws(ParameterError) -> Float {
        guard let v = Float(s) else { throw ParameterError("ps expects a number, got '\(s)'") }
        guard v >= 0 && v < 1 else { throw ParameterError("ps values must be in [0, 1), got \(s)") }
        return v
    }

    static func list(_ s: String, _ key: String) throws(ParameterError) -> [String] {
        guard s.hasPrefix("["), s.hasSuffix("]") else { throw ParameterError("\(key) expects a list like [512, 256], got '\(s)'") }
        let inner = s.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        return inner.isEmpty ? [] : inner.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// A parameter value that does not parse or is out of range.
public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
