/// fastai v1's classification metrics (`metrics.py`) on a batch of logits, in float32 as torch computes them.
public enum Metrics {
    /// `accuracy`: the fraction of rows whose argmax (first maximum, as torch) is the target.
    /// `logits` is row-major [batch, classes].
    public static func accuracy(logits: [Float], classes: Int, targets: [Int]) throws(TrainingError) -> Float {
        let predicted = try argmax(logits, classes: classes, rows: targets.count)
        let correct = zip(predicted, targets).filter { $0 == $1 }.count
        // torch: (argmax == y).float().mean() is the float32 sum divided by the count.
        return Float(correct) / Float(targets.count)
    }

    /// `error_rate = 1 − accuracy`.
    public static func errorRate(logits: [Float], classes: Int, targets: [Int]) throws(TrainingError) -> Float {
        1 - (try accuracy(logits: logits, classes: classes, targets: targets))
    }

    /// The index of each row's first largest value (a NaN counts as largest, as in torch).
    public static func argmax(_ values: [Float], classes: Int, rows: Int) throws(TrainingError) -> [Int] {
        guard classes >= 1, rows >= 1 else {
            throw TrainingError("a metric needs at least one item and one class, got \(rows) items and \(classes) classes")
        }
        guard values.count == rows * classes else {
            throw TrainingError("expected \(rows)×\(classes) = \(rows * classes) logits, got \(values.count)")
        }
        return (0..<rows).map { r in
            var best = r * classes
            for i in (r * classes)..<((r + 1) * classes) {
                if values[i].isNaN { return i - r * classes }
                if values[i] > values[best] { best = i }
            }
            return best - r * classes
        }
    }
}
