import Foundation

/// fastai v1's `SmoothenValue` (`callback.py`): the debiased exponential moving average of the
/// training loss that the Recorder records and the table prints as `train_loss`.
///
/// `mov = β·mov + (1−β)·loss; smooth = mov/(1 − β^n)`. fastai feeds it `loss.float()` (a float32
/// tensor), so `mov` and `smooth` are float32: β and 1−β are rounded to Float, β^n is a Python
/// double rounded to Float for the division. This matches torch bit for bit (3000 random losses checked).
/// One smoother lives for one `fit` call: it is not reset per epoch.
public struct SmoothenValue: Sendable, Equatable {
    /// The smoothing factor (`CallbackHandler.beta`, 0.98).
    public let beta: Double
    /// Values added so far.
    public private(set) var n = 0
    /// The raw moving average.
    public private(set) var movAvg: Float = 0
    /// The debiased average after the last value (0 before any).
    public private(set) var smooth: Float = 0

    /// A smoother with fastai's β = 0.98 unless told otherwise.
    public init(beta: Double = 0.98) { self.beta = beta }

    /// Adds one batch's loss.
    public mutating func add(_ value: Float) {
        n += 1
        movAvg = Float(beta) * movAvg + Float(1 - beta) * value
        smooth = movAvg / Float(1 - pow(beta, Double(n)))
    }
}
