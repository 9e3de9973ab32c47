import Foundation

/// How labelled items are split into training and validation sets.
public enum ImageSplitRule: Sendable, Equatable {
    /// `split_by_rand_pct(valid_pct, seed)`: `np.random.seed(seed)`, `rand_idx = np.random.permutation(n)`, valid =
    /// `rand_idx[:int(valid_pct·n)]` in permutation order, train = the rest in item order (`np.setdiff1d`).
    case randomPercent(Double, seed: UInt32)
    /// `split_by_folder(train, valid)`: by the first path component under `root` (items elsewhere are in neither set).
    case folders(root: String, train: String, valid: String)
    /// An imported split: the validation files (and optionally the training files) in the order given; each
    /// entry is a path as listed or relative to `root`. Without a training list, train is every other item.
    case explicit(root: String, train: [String]?, valid: [String])
}

/// fastai v1's split and labelling of an item list: the classes (sorted unique training labels, Python's `str`
/// order), the training and validation items, and the validation items dropped because their label is not a
/// training class (`LabelList.process` → `filter_missing_y`).
public struct ImageSplit: Sendable, Equatable {
    /// `data.classes`.
    public let classes: [String]
    /// `train_ds.items` with labels.
    public let train: [LabelledImage]
    /// `valid_ds.items` with labels, after the unseen-label filter.
    public let valid: [LabelledImage]
    /// Validation items whose label no training item has.
    public let droppedValid: [LabelledImage]

    /// `data.c`.
    public var c: Int { classes.count }

    /// The class index of each item (its label's position in `classes`).
    public func labelIndices(_ items: [LabelledImage]) -> [Int] {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return items.map { index[$0.label] ?? -1 }
    }

    /// Splits and labels `items` by `rule`.
    public init(_ items: [LabelledImage], rule: ImageSplitRule) throws(DataError) {
        guard !items.isEmpty else { throw DataError("there are no images to split") }
        var trainIdx: [Int], validIdx: [Int]
        switch rule {
        case .randomPercent(let pct, let seed):
            guard pct >= 0, pct < 1 else { throw DataError("valid_pct must be in [0, 1), got \(pct)") }
            if pct == 0 {
                (trainIdx, validIdx) = (Array(items.indices), [])
            } else {
                var rng = NumpyRandomState(seed: seed)
                let perm = rng.permutation(items.count)
                let cut = Int(pct * Double(items.count))
                validIdx = Array(perm[..<cut])
                let valid = Set(validIdx)
                trainIdx = items.indices.filter { !valid.contains($0) }
            }
        case .folders(let root, let train, let valid):
            let prefix = root.hasSuffix("/") ? root : root + "/"
            func first(_ path: String) -> String? {
                guard path.hasPrefix(prefix) else { return nil }
                return path.dropFirst(prefix.count).split(separator: "/").first.map(String.init)
            }
            trainIdx = items.indices.filter { first(items[$0].path) == train }
            validIdx = items.indices.filter { first(items[$0].path) == valid }
            guard !trainIdx.isEmpty else {
                throw DataError("\(root): no images under \(prefix)\(train)/ (fastai's default train/valid folders; or pass a valid percentage)")
            }
        case .explicit(let root, let train, let valid):
            let position = Dictionary(items.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
            let prefix = root.hasSuffix("/") ? root : root + "/"
            func lookup(_ names: [String], _ which: String) throws(DataError) -> [Int] {
                var out: [Int] = []
                for name in names {
                    guard let i = position[name] ?? position[prefix + name] else {
                        throw DataError("the split file names \(which) image \"\(name)\", which is not among the \(items.count) labelled images")
                    }
                    out.append(i)
                }
                return out
            }
            validIdx = try lookup(valid, "validation")
            if let train {
                trainIdx = try lookup(train, "training")
            } else {
                let valid = Set(validIdx)
                trainIdx = items.indices.filter { !valid.contains($0) }
            }
            if let twice = Set(trainIdx).intersection(validIdx).first {
                throw DataError("the split file puts \"\(items[twice].path)\" in both the training and the validation set")
            }
        }
        let train = trainIdx.map { items[$0] }
        guard !train.isEmpty else { throw DataError("the training set is empty (\(items.count) images, all in validation)") }
        var seen = Set<String>()
        let classes = train.map(\.label).filter { seen.insert($0).inserted }.sorted(by: PythonOrder.less)
        let valid = validIdx.map { items[$0] }
        self.classes = classes
        self.train = train
        self.valid = valid.filter { seen.contains($0.label) }
        droppedValid = valid.filter { !seen.contains($0.label) }
    }
}
