/// fastai v1's `Scheduler` (`callback.py`): steps from `start` to `end` over `iterations` calls.
///
/// `step()` first counts the call and then returns `function(start, end, n/iterations)`, so the
/// first value it returns is already one step past `start`; whoever uses a scheduler sets
/// `start` itself before the first batch. It is done once `n ≥ iterations`, and a schedule of 0
/// iterations lasts one (`max(1, n_iter)`), which is what keeps a one-cycle of ≤ 3 batches defined.
public struct Scheduler: Sendable, Equatable {
    /// The value before the first step.
    public let start: Double
    /// The value the last step returns.
    public let end: Double
    /// The number of steps, at least 1.
    public let iterations: Int
    /// How values move from `start` to `end`.
    public let function: Annealing
    /// Steps taken so far.
    public private(set) var n = 0

    /// A schedule over `iterations` steps (0 or fewer count as 1, as in fastai).
    public init(start: Double, end: Double, iterations: Int, function: Annealing) {
        self.start = start
        self.end = end
        self.iterations = max(1, iterations)
        self.function = function
    }

    /// Takes one step and returns the new value.
    public mutating func step() -> Double {
        n += 1
        return function(start, end, Double(n) / Double(iterations))
    }

    /// Whether every step has been taken.
    public var isDone: Bool { n >= iterations }

    /// Starts again from the first step.
    public mutating func restart() { n = 0 }
}
