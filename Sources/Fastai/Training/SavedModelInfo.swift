import Foundation

/// What a later `predict` needs besides the weights, kept in a saved learner's safetensors
/// `__metadata__` (string values; lists as JSON): the architecture, the classes in order, how images
/// were sized and normalised, and the number of input channels.
///
/// fastai v1 keeps this on the `DataBunch` (`data.classes`, the transforms' `size`, `normalize`'s
/// stats) and `learn.export()` pickles it; `learn.save` writes weights only. A LearnerLens file
/// carries both, so `learnerlens predict --model F` needs nothing else.
public struct SavedModelInfo: Sendable, Equatable {
    /// The `__metadata__` value of `format` that marks a LearnerLens learner file.
    public static let formatTag = "learnerlens.learner.v1"

    /// `create_cnn`'s arch (`resnet18`, …).
    public var arch: String
    /// `data.classes`, in the order the head's outputs follow.
    public var classes: [String]
    /// The side of the square images the model was trained on (valid transforms: resize the shorter
    /// side to it, then centre crop).
    public var size: Int
    /// The `normalize` statistics applied to every batch, nil when the data was not normalised.
    public var normalization: Normalization?
    /// Input channels of the first conv (3 for torchvision's archs).
    public var channels: Int
    /// `create_cnn`'s `ps` (one value: p/2 before the head's first Linear, p before the last). It shapes
    /// the head: with 0 fastai leaves the Dropout layers out, which renumbers the head's keys.
    public var ps: Float
    /// Which fastai behaviour the file follows (free text for people).
    public var fastai: String

    /// The facts of one saved learner.
    public init(
        arch: String, classes: [String], size: Int, normalization: Normalization?, channels: Int = 3, ps: Float = 0.5,
        fastai: String = "fastai v1 (1.0.61) Learner.save(with_opt=True): model state_dict + optimizer state"
    ) {
        self.arch = arch
        self.classes = classes
        self.size = size
        self.normalization = normalization
        self.channels = channels
        self.ps = ps
        self.fastai = fastai
    }

    /// The `__metadata__` entries.
    public var metadata: [String: String] {
        var m = [
            "format": Self.formatTag, "arch": arch, "classes": Self.json(classes), "size": String(size),
            "channels": String(channels), "ps": String(ps), "fastai": fastai,
        ]
        if let n = normalization {
            m["mean"] = Self.json(n.mean)
            m["std"] = Self.json(n.std)
        }
        return m
    }

    /// Reads the entries back; `source` names the file in errors.
    public init(metadata m: [String: String], source: String) throws(TrainingError) {
        guard m["format"] == Self.formatTag else {
            throw TrainingError(
                "\(source): not a LearnerLens learner file (its __metadata__ has no format \"\(Self.formatTag)\"; `learnerlens fit --save` writes one). A bare state dict goes to --weights instead"
            )
        }
        func field(_ key: String) throws(TrainingError) -> String {
            guard let v = m[key] else { throw TrainingError("\(source): __metadata__ has no \"\(key)\"") }
            return v
        }
        func positive(_ key: String) throws(TrainingError) -> Int {
            let text = try field(key)
            guard let v = Int(text), v >= 1 else {
                throw TrainingError("\(source): __metadata__ \"\(key)\" must be a positive integer, got \"\(text)\"")
            }
            return v
        }
        arch = try field("arch")
        let classesText = try field("classes")
        guard let classes = Self.decode([String].self, classesText), !classes.isEmpty else {
            throw TrainingError("\(source): __metadata__ \"classes\" must be a non-empty JSON list of names, got \(classesText)")
        }
        self.classes = classes
        size = try positive("size")
        channels = try positive("channels")
        fastai = m["fastai"] ?? ""
        let psText = m["ps"] ?? "0.5"
        guard let ps = Float(psText), ps >= 0, ps < 1 else {
            throw TrainingError("\(source): __metadata__ \"ps\" must be a dropout probability in [0, 1), got \"\(psText)\"")
        }
        self.ps = ps
        switch (m["mean"], m["std"]) {
        case (nil, nil): normalization = nil
        case (let mean?, let std?):
            guard let mv = Self.decode([Float].self, mean), let sv = Self.decode([Float].self, std) else {
                throw TrainingError("\(source): __metadata__ \"mean\" and \"std\" must be JSON lists of numbers, got \(mean) and \(std)")
            }
            do { normalization = try Normalization(mean: mv, std: sv) } catch {
                throw TrainingError("\(source): __metadata__ normalisation: \(error.message)")
            }
            if mv.count != channels {
                throw TrainingError("\(source): __metadata__ has \(mv.count) normalisation means for \(channels) channels")
            }
        default: throw TrainingError("\(source): __metadata__ has only one of \"mean\" and \"std\"")
        }
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
