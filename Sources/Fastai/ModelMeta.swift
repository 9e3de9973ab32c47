import NN

/// Where `create_body` cuts the pretrained model.
public enum Cut: Sendable, Equatable, CustomStringConvertible {
    /// Keep `children[:index]` (Python slice; negative counts from the end).
    case index(Int)
    /// fastai ≥ 1.0.48's `cut=None`: `children[:i]` where child `i` is the last one that contains a
    /// module whose class name ends in `Pool1d`/`Pool2d`/`Pool3d`.
    case lastPool

    public var description: String {
        switch self {
        case .index(let i): "\(i)"
        case .lastPool: "None"
        }
    }
}

/// A path of child positions from the full model (`m[0][6]` is `[0, 6]`).
public struct ModulePath: Sendable, Equatable, CustomStringConvertible {
    public var indices: [Int]
    public init(_ indices: [Int]) { self.indices = indices }
    public var description: String { "m" + indices.map { "[\($0)]" }.joined() }

    /// Follows the path; nil when a position does not exist.
    public func resolve(in model: Module) -> Module? {
        var m: Module? = model
        for i in indices {
            guard let current = m else { return nil }
            let kids = current.namedChildren
            let j = i < 0 ? kids.count + i : i
            m = kids.indices.contains(j) ? kids[j].module : nil
        }
        return m
    }
}

/// fastai's `model_meta` entry: the default cut and the layer-group split points.
public struct ModelMeta: Sendable, Equatable {
    public var cut: Cut
    /// Modules whose first leaf starts a new layer group (`meta['split']`).
    public var split: [ModulePath]
    /// True for fastai's fallback when an arch has no entry.
    public var isDefault: Bool

    public init(cut: Cut, split: [ModulePath], isDefault: Bool = false) {
        self.cut = cut
        self.split = split
        self.isDefault = isDefault
    }

    /// `_default_meta`: cut -1, split `(m[1],)` — body vs head.
    public static let `default` = ModelMeta(cut: .index(-1), split: [ModulePath([1])], isDefault: true)

    /// The split written the way fastai's lambdas write it: `(m[0][6], m[1])`.
    public var splitDescription: String {
        "(" + split.map(\.description).joined(separator: ", ") + (split.count == 1 ? ",)" : ")")
    }
}

/// `cnn_config(arch)`: the arch's `model_meta` entry (as in fastai 1.0.61), or the default.
public func cnnConfig(_ arch: Architecture) -> ModelMeta {
    switch arch {
    case .resnet18, .resnet34, .resnet50, .resnet101, .resnet152:
        ModelMeta(cut: .index(-2), split: [ModulePath([0, 6]), ModulePath([1])])
    case .densenet121:
        ModelMeta(cut: .index(-1), split: [ModulePath([0, 0, 7]), ModulePath([1])])
    case .vgg16_bn:
        ModelMeta(cut: .index(-1), split: [ModulePath([0, 0, 22]), ModulePath([1])])
    case .alexnet:
        ModelMeta(cut: .index(-1), split: [ModulePath([0, 0, 6]), ModulePath([1])])
    case .squeezenet1_1:
        ModelMeta(cut: .index(-1), split: [ModulePath([0, 0, 5]), ModulePath([0, 0, 8]), ModulePath([1])])
    }
}
