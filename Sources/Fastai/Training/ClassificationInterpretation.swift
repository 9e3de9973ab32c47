import Foundation

/// The numbers behind fastai v1's `ClassificationInterpretation` (`train.py`), from the logits and
/// targets of the (unshuffled) validation set.
///
/// `losses` are the per-item cross-entropies on the raw logits (reduction 'none'), `probabilities`
/// the softmax of the logits, and `predicted` the argmax of the probabilities (first maximum).
public struct ClassificationInterpretation: Sendable, Equatable {
    /// The number of classes (columns of the logits).
    public let classes: Int
    /// Per item, the actual class.
    public let targets: [Int]
    /// Row-major [items, classes] softmax of the logits.
    public let probabilities: [Float]
    /// Per item, the cross-entropy of its logits against its target.
    public let losses: [Float]
    /// Per item, the predicted class.
    public let predicted: [Int]

    /// Interprets row-major [items, classes] logits against `targets` (each in 0..<classes).
    public init(logits: [Float], classes: Int, targets: [Int]) throws(TrainingError) {
        guard classes >= 1, !targets.isEmpty, logits.count == targets.count * classes else {
            throw TrainingError(
                "expected \(targets.count) items × \(classes) classes = \(targets.count * classes) logits, got \(logits.count)")
        }
        if let bad = targets.firstIndex(where: { !(0..<classes).contains($0) }) {
            throw TrainingError("target \(targets[bad]) of item \(bad) is not a class index in 0..<\(classes)")
        }
        self.classes = classes
        self.targets = targets
        var probs = [Float](repeating: 0, count: logits.count)
        var losses = [Float](repeating: 0, count: targets.count)
        for r in targets.indices {
            let row = Array(logits[(r * classes)..<((r + 1) * classes)])
            let p = Self.softmax(row)
            probs.replaceSubrange((r * classes)..<((r + 1) * classes), with: p)
            losses[r] = -Self.logSoftmax(row)[targets[r]]
        }
        probabilities = probs
        self.losses = losses
        predicted = try Metrics.argmax(probs, classes: classes, rows: targets.count)
    }

    /// `softmax` of one row: `exp(x − max) / Σ exp(x − max)`.
    public static func softmax(_ x: [Float]) -> [Float] {
        let m = x.max() ?? 0
        let e = x.map { expf($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// `log_softmax` of one row: `x − max − log Σ exp(x − max)`.
    public static func logSoftmax(_ x: [Float]) -> [Float] {
        let m = x.max() ?? 0
        let s = x.reduce(Float(0)) { $0 + expf($1 - m) }
        let l = logf(s)
        return x.map { $0 - m - l }
    }

    /// `top_losses(k, largest)`: the k largest (or smallest) losses with their item indices.
    /// Ties go to the lower index first; torch's `topk` leaves tie order unspecified (on CPU it is not
    /// index order, e.g. `[1,3,3,2,3,1].topk(3)` gives indices 2, 4, 1), so only distinct losses match it.
    public func topLosses(k: Int? = nil, largest: Bool = true) throws(TrainingError) -> [(loss: Float, index: Int)] {
        let k = k ?? losses.count
        guard (0...losses.count).contains(k) else {
            throw TrainingError("top_losses: k must be between 0 and the \(losses.count) items, got \(k)")
        }
        let order = losses.indices.sorted { a, b in
            let x = losses[a], y = losses[b]
            if x != y { return largest ? x > y : x < y }
            return a < b
        }
        return order.prefix(k).map { (losses[$0], $0) }
    }

    /// `confusion_matrix()`: `cm[actual][predicted]`, rows are the actual classes.
    public func confusionMatrix() -> [[Int]] {
        var cm = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (t, p) in zip(targets, predicted) { cm[t][p] += 1 }
        return cm
    }

    /// `most_confused(min_val)`: cells with at least `minVal` items (the diagonal counts 0) as
    /// (actual, predicted, count), in `np.where`'s row-major order, then stably sorted by count, largest first.
    public func mostConfused(classNames: [String], minVal: Int = 1) throws(TrainingError) -> [(actual: String, predicted: String, count: Int)] {
        guard classNames.count == classes else {
            throw TrainingError("most_confused: \(classNames.count) class names for \(classes) classes")
        }
        let cm = confusionMatrix()
        var cells: [(actual: String, predicted: String, count: Int)] = []
        for i in 0..<classes {
            for j in 0..<classes {
                let count = i == j ? 0 : cm[i][j]  // np.fill_diagonal(cm, 0): a min_val ≤ 0 lists the diagonal as 0
                if count >= minVal { cells.append((classNames[i], classNames[j], count)) }
            }
        }
        // Swift's sort is not guaranteed stable: sort on (count desc, position asc) instead.
        return cells.enumerated().sorted { a, b in
            a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
        }.map(\.element)
    }
}
