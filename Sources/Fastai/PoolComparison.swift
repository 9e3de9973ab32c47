/// How max pooling and average pooling summarise the same feature maps, channel by channel.
///
/// A channel's max is never below its mean, so "the max is above the mean" proves nothing. What
/// shows that the two halves of `AdaptiveConcatPool2d`'s output carry different information is how
/// differently they *rank* the channels (Spearman's correlation; 1 would mean one is just a
/// monotone rescaling of the other), and how widely the ratio max ÷ mean spreads: a flat map has
/// a ratio near 1, a map with one bright spot a ratio near its number of cells.
public struct PoolComparison: Sendable, Equatable {
    /// One bar of the max ÷ mean histogram: channels whose ratio is in `lower ..< upper`.
    public struct Bin: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int
    }

    /// Spearman's rank correlation between the channels' maxima and means (ties get average ranks).
    public var rankCorrelation: Double
    /// Channels whose mean is zero (all-zero maps after a ReLU): no ratio.
    public var zeroChannels: Int
    /// Smallest and largest max ÷ mean over the other channels.
    public var smallestRatio: Double
    public var largestRatio: Double
    /// max ÷ mean in doubling bins from 1: [1, 2), [2, 4), [4, 8), …, up to the largest ratio.
    public var bins: [Bin]

    /// Compares per-channel maxima and means (same length, one entry per channel).
    public init(maxima: [Float], means: [Float]) {
        precondition(maxima.count == means.count, "one max and one mean per channel")
        rankCorrelation = Self.spearman(maxima.map(Double.init), means.map(Double.init))
        var ratios: [Double] = []
        var zeros = 0
        for (m, a) in zip(maxima, means) {
            if a > 0 { ratios.append(Double(m) / Double(a)) } else { zeros += 1 }
        }
        zeroChannels = zeros
        smallestRatio = ratios.min() ?? 0
        largestRatio = ratios.max() ?? 0
        var bins: [Bin] = []
        var lower = 1.0
        // A mean above zero can only come with a max at least as large, so every ratio is ≥ 1
        // (up to rounding: a ratio a hair under 1 is counted in the first bin).
        while lower <= max(largestRatio, 1) {
            let upper = lower * 2
            let first = bins.isEmpty
            let count = ratios.filter { ($0 >= lower || first) && $0 < upper }.count
            bins.append(Bin(lower: lower, upper: upper, count: count))
            lower = upper
        }
        self.bins = bins
    }

    /// Pearson's correlation of the ranks; 0 when either side has no spread.
    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        let (ra, rb) = (ranks(a), ranks(b))
        let n = Double(a.count)
        guard n > 1 else { return 0 }
        let (ma, mb) = (ra.reduce(0, +) / n, rb.reduce(0, +) / n)
        var (sab, saa, sbb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(ra, rb) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        guard saa > 0, sbb > 0 else { return 0 }
        return sab / (saa * sbb).squareRoot()
    }

    /// 1-based ranks, ties sharing the average of the ranks they span.
    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { result[order[k]] = rank }
            i = j + 1
        }
        return result
    }
}
