/// How fastai v1 averages per-batch values over a validation set.
///
/// Both averages weight each batch by its size, so they are the per-item means of the whole set,
/// computed in float32 as fastai does: `validate(average=True)` multiplies numpy float32 arrays and
/// sums them with numpy's pairwise summation; `AverageMetric` accumulates a float32 tensor batch by
/// batch. The float32 results are reproduced bit for bit, not just the exact mean.
public enum BatchAverage {
    /// `validate`'s loss: `(losses · sizes).sum() / sizes.sum()` on float32 numpy arrays.
    public static func validationLoss(batchLosses: [Float], batchSizes: [Int]) throws(TrainingError) -> Float {
        guard batchLosses.count == batchSizes.count else {
            throw TrainingError("\(batchLosses.count) batch losses but \(batchSizes.count) batch sizes")
        }
        guard !batchLosses.isEmpty else { throw TrainingError("no validation batches to average") }
        let sizes = batchSizes.map(Float.init)
        let weighted = zip(batchLosses, sizes).map { $0 * $1 }
        return numpyPairwiseSum(weighted) / numpyPairwiseSum(sizes)
    }

    /// numpy's float32 `sum` of a contiguous array (`pairwise_sum` in numpy's loops): plain
    /// adds below 8 values, eight running sums up to 128, halves (cut at a multiple of 8) above.
    public static func numpyPairwiseSum(_ a: [Float]) -> Float {
        a.withUnsafeBufferPointer { pairwise($0[...]) }
    }

    private static func pairwise(_ a: Slice<UnsafeBufferPointer<Float>>) -> Float {
        let n = a.count
        let s = a.startIndex
        if n < 8 {
            var res: Float = 0
            for x in a { res += x }
            return res
        }
        if n <= 128 {
            var r = (0..<8).map { a[s + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[s + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[s + i]
                i += 1
            }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwise(a[s..<(s + n2)]) + pairwise(a[(s + n2)...])
    }
}
