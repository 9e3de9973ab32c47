import Foundation

/// fastai v1's annealing functions (`callback.py`): each maps a start value, an end value and a
/// fraction `pct` of the way (0 → start, 1 → end) to the value at that point.
public enum Annealing: Sendable, Equatable {
    /// `annealing_no`: always the start value.
    case none
    /// `annealing_linear`: `start + pct·(end − start)`.
    case linear
    /// `annealing_exp`: `start·(end/start)^pct`, geometric steps (lr_find's schedule).
    case exponential
    /// `annealing_cos`: `end + (start − end)/2·(cos(π·pct) + 1)`, the one-cycle's shape.
    case cosine

    /// The value `pct` of the way from `start` to `end`, computed in the same order as fastai's
    /// Python so the doubles agree.
    public func callAsFunction(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch self {
        case .none: return start
        case .linear: return start + pct * (end - start)
        case .exponential: return start * pow(end / start, pct)
        case .cosine:
            let cosOut = cos(Double.pi * pct) + 1
            return end + (start - end) / 2 * cosOut
        }
    }
}
