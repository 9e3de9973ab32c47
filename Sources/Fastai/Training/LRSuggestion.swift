import Foundation

/// `Recorder.plot(suggestion=True)` after `lr_find` (`basic_train.py`): the learning rate where the
/// smoothed loss falls fastest, and the one at the lowest loss divided by 10.
///
/// Both look only at `lrs[skipStart:-skipEnd]` and the same slice of the losses (Python's slicing:
/// a list shorter than the skips gives nothing). The steepest point is
/// `argmin(np.gradient(losses))`, with unit spacing (the x values are ignored, as in fastai).
public struct LRSuggestion: Sendable, Equatable {
    /// The plotted learning rates (the last layer group's), after trimming.
    public let lrs: [Double]
    /// The plotted smoothed losses, after trimming (float32 values widened, as `.item()` does).
    public let losses: [Double]
    /// Index into the trimmed lists of the most negative gradient.
    public let minGradientIndex: Int
    /// `Min numerical gradient`: `lrs[minGradientIndex]` (fastai's `recorder.min_grad_lr`).
    public let minGradientLR: Double
    /// `Min loss divided by 10`: the rate at the lowest loss, over 10.
    public let minLossLR: Double

    /// The suggestion for a recorder's `lrs` (last group) and smoothed `losses`.
    public init(lrs: [Double], losses: [Float], skipStart: Int = 10, skipEnd: Int = 5) throws(TrainingError) {
        let l = Self.trim(lrs, skipStart, skipEnd)
        let y = Self.trim(losses, skipStart, skipEnd).map(Double.init)
        guard l.count == y.count, y.count >= 2 else {
            // np.gradient raises for fewer than two points; fastai catches it and prints this.
            throw TrainingError(
                "Failed to compute the gradients, there might not be enough points: \(y.count) after skipping "
                    + "\(skipStart) at the start and \(skipEnd) at the end of \(losses.count) losses")
        }
        self.lrs = l
        self.losses = y
        minGradientIndex = Self.argmin(Self.numpyGradient(y))
        minGradientLR = l[minGradientIndex]
        minLossLR = l[Self.argmin(y)] / 10
    }

    /// fastai's two printed lines, `{:.2E}` as Python formats it.
    public var lines: [String] {
        ["Min numerical gradient: \(Self.formatE(minGradientLR))", "Min loss divided by 10: \(Self.formatE(minLossLR))"]
    }

    /// `numpy.gradient(f)` with unit spacing and `edge_order=1`: central differences
    /// `(f[i+1] − f[i−1])/2` inside, one-sided `f[1] − f[0]` and `f[n−1] − f[n−2]` at the ends. Needs ≥ 2 values.
    public static func numpyGradient(_ f: [Double]) -> [Double] {
        precondition(f.count >= 2, "np.gradient needs at least two values")
        let n = f.count
        var out = [Double](repeating: 0, count: n)
        for i in 1..<(n - 1) { out[i] = (f[i + 1] - f[i - 1]) / 2.0 }
        out[0] = (f[1] - f[0]) / 1.0
        out[n - 1] = (f[n - 1] - f[n - 2]) / 1.0
        return out
    }

    /// `np.argmin`: the first smallest value, or the first NaN if there is one.
    public static func argmin(_ v: [Double]) -> Int {
        if let nan = v.firstIndex(where: { $0.isNaN }) { return nan }
        var best = 0
        for i in v.indices where v[i] < v[best] { best = i }
        return best
    }

    /// Python's `f'{x:.2E}'`.
    public static func formatE(_ x: Double) -> String { String(format: "%.2E", x) }

    private static func trim<T>(_ v: [T], _ start: Int, _ end: Int) -> [T] {
        let lo = min(max(start, 0), v.count)
        let hi = end > 0 ? max(v.count - end, 0) : v.count
        return lo < hi ? Array(v[lo..<hi]) : []
    }
}
