import Foundation

/// A learning rate as `fit` takes it: one value for every layer group, or fastai's `slice`.
///
/// `lr_range` (`basic_train.py`) turns it into one value per layer group:
/// - `.value(x)` is broadcast to every group;
/// - `.slice(start: a, stop: b)` gives `even_mults(a, b, n)`, geometric steps from `a` to `b`;
/// - `.slice(start: nil, stop: b)` (or a start of 0, which Python treats as false) gives
///   `[b/10, …, b/10, b]`: the last group (the head) gets `b`, every other group a tenth of it.
public enum LearningRate: Sendable, Equatable, CustomStringConvertible {
    /// The same rate for every layer group.
    case value(Double)
    /// fastai's `slice(start, stop)` or `slice(stop)` (start `nil`).
    case slice(start: Double?, stop: Double)

    /// fastai v1's `defaults.lr`: `slice(3e-3)`, so a 3-group CNN trains at `[3e-4, 3e-4, 3e-3]`.
    public static let fastaiDefault = LearningRate.slice(start: nil, stop: 3e-3)

    /// Python's spelling: `0.003`, `slice(1e-06, 0.0001)`, `slice(None, 0.003, None)`.
    public var description: String {
        switch self {
        case .value(let v): return "\(v)"
        case .slice(let a, let b): return "slice(\(a.map { "\($0)" } ?? "None"), \(b))"
        }
    }

    /// One learning rate per layer group, exactly as `Learner.lr_range` computes them.
    ///
    /// Unlike fastai, bad values are refused with a message: a rate that is not a positive
    /// finite number, a slice whose start is above its stop, and `slice(a, b)` over a single
    /// layer group (fastai divides by zero there, G15: `even_mults` takes `1/(n−1)`).
    public func perGroup(layerGroups n: Int) throws(TrainingError) -> [Double] {
        guard n >= 1 else { throw TrainingError("a learner needs at least one layer group, got \(n)") }
        switch self {
        case .value(let v):
            try Self.check(v, "the learning rate")
            return [Double](repeating: v, count: n)
        case .slice(let a, let b):
            try Self.check(b, "the slice's stop")
            guard let a, a != 0 else { return [Double](repeating: b / 10, count: n - 1) + [b] }
            try Self.check(a, "the slice's start")
            guard a <= b else {
                throw TrainingError("learning rate \(self): the start must not be above the stop (\(a) > \(b))")
            }
            guard n > 1 else {
                throw TrainingError(
                    "learning rate \(self) spreads rates over layer groups, but this model has only one "
                        + "(fastai raises ZeroDivisionError here); give a single value or slice(\(b)) instead")
            }
            return Self.evenMults(a, b, n)
        }
    }

    /// `even_mults(start, stop, n)` (`core.py`): `start·step^i` for i in 0..<n with
    /// `step = (stop/start)^(1/(n−1))`. Needs n ≥ 2.
    public static func evenMults(_ start: Double, _ stop: Double, _ n: Int) -> [Double] {
        precondition(n >= 2, "even_mults needs at least two values")
        let mult = stop / start
        let step = pow(mult, 1 / Double(n - 1))
        return (0..<n).map { start * pow(step, Double($0)) }
    }

    private static func check(_ v: Double, _ what: String) throws(TrainingError) {
        guard v.isFinite, v > 0 else {
            throw TrainingError("\(what) must be a positive number, got \(v)")
        }
    }
}
