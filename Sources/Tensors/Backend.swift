/// Process-wide switches, like `torch.backends.*`: whether the fast paths run.
///
/// With `fastPaths` off, every convolution is im2col + GEMM and every layer runs on its own (no
/// BatchNorm folding, no fused epilogues) — the reference path that `learnerlens bench` compares
/// the fast one against. Set it between forward passes, not during one.
public enum Backend {
    nonisolated(unsafe) public static var fastPaths = true
}

extension Tensor {
    /// max |self − reference| / max |reference|: how far a fast path strays from the reference.
    public func maxRelativeDifference(from reference: Tensor) -> Float {
        guard shape == reference.shape else { return .infinity }
        var worst: Float = 0
        for (a, b) in zip(storage, reference.storage) { worst = Swift.max(worst, abs(a - b)) }
        return worst / Swift.max(reference.maxAbs, .leastNormalMagnitude)
    }
}
