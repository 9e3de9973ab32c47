import Fastai
import Testing

/// What lesson 3 shows about max and average pooling: rank correlation and the spread of max ÷ mean.
@Suite struct PoolComparisonTests {
    @Test func rankCorrelationByHand() {
        // Same order: 1. Reversed order: −1. One swap among four: 1 − 6·2/(4·15) = 0.8.
        #expect(PoolComparison(maxima: [1, 2, 3, 4], means: [0.1, 0.2, 0.3, 0.4]).rankCorrelation == 1)
        #expect(PoolComparison(maxima: [4, 3, 2, 1], means: [0.1, 0.2, 0.3, 0.4]).rankCorrelation == -1)
        #expect(abs(PoolComparison(maxima: [2, 1, 3, 4], means: [0.1, 0.2, 0.3, 0.4]).rankCorrelation - 0.8) < 1e-12)
    }

    @Test func tiesShareTheirRanks() {
        // Ranks of [5, 5, 1]: [2.5, 2.5, 1]; against [1, 2, 3] Pearson's r of the ranks is −√3/2.
        let r = PoolComparison(maxima: [5, 5, 1], means: [1, 2, 3]).rankCorrelation
        #expect(abs(r + 3.0.squareRoot() / 2) < 1e-12)
        #expect(PoolComparison(maxima: [1, 1, 1], means: [1, 2, 3]).rankCorrelation == 0, "no spread, no correlation")
    }

    @Test func ratiosFallIntoDoublingBins() {
        // Ratios 1, 1.5, 3, 9 and one all-zero channel.
        let c = PoolComparison(maxima: [2, 3, 3, 9, 0], means: [2, 2, 1, 1, 0])
        #expect(c.zeroChannels == 1)
        #expect(c.smallestRatio == 1 && c.largestRatio == 9)
        #expect(c.bins.map(\.lower) == [1, 2, 4, 8])
        #expect(c.bins.map(\.count) == [2, 1, 0, 1])
        #expect(c.bins.map(\.count).reduce(0, +) + c.zeroChannels == 5, "every channel is counted once")
    }
}
