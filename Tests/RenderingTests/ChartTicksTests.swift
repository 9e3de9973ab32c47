import Foundation
import LessonKit
import Testing

@testable import Rendering

/// Axis layout: round steps that cover the data, decades on log axes, fixed ranges kept.
@Suite struct ChartTicksTests {
    @Test(arguments: [
        (0.0, 1.0), (0.42, 2.31), (-3.7, 12.2), (1e-5, 3e-5), (990.0, 1010.0), (-0.003, -0.001), (17.0, 17.0), (0.0, 0.0), (123_456.0, 9_876_543.0),
    ])
    func linearTicksCoverTheDataInRoundSteps(range: (Double, Double)) {
        let axis = ChartTicks(scale: .linear, data: [range.0, range.1, .nan, .infinity], target: 5)
        let values = axis.ticks.map(\.value)
        #expect(axis.lower <= range.0 && axis.upper >= range.1, "the axis shows every point")
        #expect(values.first.map { abs($0 - axis.lower) < 1e-9 * max(1, abs(axis.lower)) } == true, "the range starts on a tick")
        #expect(values.last.map { abs($0 - axis.upper) < 1e-9 * max(1, abs(axis.upper)) } == true, "and ends on one")
        #expect((2...12).contains(values.count), "about five steps, got \(values)")
        let step = values[1] - values[0]
        let mantissa = step / pow(10, log10(step).rounded(.down))
        #expect([1.0, 2, 5, 10].contains { abs(mantissa - $0) < 1e-6 }, "step \(step) is 1, 2 or 5 × 10^k")
        #expect(Set(axis.ticks.map(\.label)).count == values.count, "labels are distinct: \(axis.ticks.map(\.label))")
        #expect(!axis.ticks.contains { $0.label.hasPrefix("-0") && Double($0.label) == 0 }, "no negative zero")
    }

    @Test func linearLabelsHaveTheStepsDecimals() {
        #expect(ChartTicks(scale: .linear, data: [0.42, 2.31], target: 5).ticks.map(\.label) == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"])
        #expect(ChartTicks(scale: .linear, data: [0, 40], target: 4).ticks.map(\.label) == ["0", "10", "20", "30", "40"])
    }

    @Test func logAxesAreLabelledByDecade() {
        let axis = ChartTicks(scale: .log10, data: [1e-7, 3e-3, 10, 0, -1], target: 6)
        #expect(axis.lower == 1e-7 && axis.upper == 10)
        #expect(axis.ticks.map(\.label) == ["10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹"])
        #expect(axis.minor.isEmpty, "no minor ticks over eight decades")
        let short = ChartTicks(scale: .log10, data: [2e-4, 5e-3])
        #expect(short.ticks.map(\.label) == ["10⁻⁴", "10⁻³", "10⁻²"])
        #expect(short.minor.count == 16 && short.minor.first == 2e-4, "2…9 × 10^k between the decades")
        let long = ChartTicks(scale: .log10, data: [1e-12, 1e6])
        #expect(long.ticks.map(\.label) == ["10⁻¹²", "10⁻⁹", "10⁻⁶", "10⁻³", "10⁰", "10³", "10⁶"], "every third decade over 18")
        #expect(ChartTicks.decade(-10) == "10⁻¹⁰" && ChartTicks.decade(0) == "10⁰")
        #expect(abs(axis.fraction(1e-3) - 0.5) < 1e-12, "the middle decade is in the middle")
    }

    @Test func degenerateDataStillGivesAnAxis() {
        let empty = ChartTicks(scale: .linear, data: [])
        #expect(empty.lower == 0 && empty.upper == 1)
        let point = ChartTicks(scale: .log10, data: [1e-3])
        #expect(point.lower == 1e-4 && point.upper == 1e-2, "one point sits in the middle decade")
        #expect(ChartTicks(scale: .log10, data: [.nan, -2]).ticks.map(\.label) == ["10⁰", "10¹"])
    }

    @Test func fixedRangesAreKept() {
        let axis = ChartTicks(scale: .linear, data: [0, 100], fixed: 0.5...2.5)
        #expect(axis.lower == 0.5 && axis.upper == 2.5)
        #expect(axis.ticks.map(\.label) == ["0.5", "1.0", "1.5", "2.0", "2.5"])
        let log = ChartTicks(scale: .log10, data: [], fixed: 2e-3...5e-3)
        #expect(log.ticks.map(\.label) == ["0.002", "0.005"], "no decade inside: the ends are labelled")
        let invalid = ChartTicks(scale: .log10, data: [1e-2, 1], fixed: -1...1)
        #expect(invalid.lower == 1e-2 && invalid.upper == 1, "a range a log axis cannot show is ignored")
    }
}
