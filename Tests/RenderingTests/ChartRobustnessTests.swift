import Foundation
import LessonKit
import Testing

@testable import Rendering

/// Charts from an edited or damaged record, or from a diverged run: extreme, non-finite and
/// degenerate values must draw (or say there is nothing to draw), never trap.
@Suite struct ChartRobustnessTests {
    static let nasty: [Double] = [
        0, -0.0, 1, -1, 3e-3, 42, 1e-320, 5e-324, 1e308, -1e308, 1.7e308, .nan, .infinity, -.infinity, 1e16, 1e16 + 2, 2.5, 2.5,
    ]
    static let counts = [0, 1, 7, -5, Int.max, Int.min, 1_000_000]

    /// SplitMix64: a fixed sequence, so a failure names a reproducible chart.
    struct Draws {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    static func lineChart(_ d: inout Draws) -> Chart {
        func value() -> Double { nasty[d.next(nasty.count)] }
        func axis() -> Chart.Axis {
            let (a, b) = (value(), value())
            // A range can only be made from ordered ends (NaN is not); the axis must cope with the rest.
            let range: ClosedRange<Double>? = d.next(3) == 0 && a <= b ? a...b : nil
            return .init(title: d.next(2) == 0 ? "" : "a <b>", scale: d.next(2) == 0 ? .linear : .log10, range: range)
        }
        let series = (0..<d.next(4)).map { i in Chart.Series(name: "s\(i)", points: (0..<d.next(6)).map { _ in Chart.Point(x: value(), y: value()) })
        }
        let markers = (0..<d.next(3)).map { _ in Chart.Marker(x: value(), y: d.next(2) == 0 ? nil : value(), label: "m") }
        return Chart.line(title: d.next(2) == 0 ? "" : "t", x: axis(), y: axis(), series: series, markers: markers)
    }

    static func heatMap(_ d: inout Draws) -> Chart {
        let rows = d.next(4), columns = d.next(4)
        let matrix = (0..<rows).map { _ in (0..<d.next(columns + 1)).map { _ in counts[d.next(counts.count)] } }
        return Chart.heatMap(title: "h", counts: matrix, rowLabels: (0..<d.next(5)).map { "r\($0)" }, columnLabels: ["<c>"])
    }

    @Test func randomNastyChartsDraw() throws {
        var d = Draws(state: 18)
        for i in 0..<400 {
            let chart = i % 4 == 3 ? Self.heatMap(&d) : Self.lineChart(&d)
            let svg = SVGChart(chart, idPrefix: "r").svg()
            #expect(SVGChartTests.isWellFormed(svg), "chart \(i): \(Format.json(chart))")
            let bad = svg.range(of: "=\"[^\"]*(nan|inf)[^\"]*\"", options: [.regularExpression, .caseInsensitive])
            #expect(bad == nil, "chart \(i): a non-finite coordinate")
            for color in [false, true] {
                let lines = TerminalPlot.lines(chart, color: color)
                #expect(!lines.isEmpty && lines.allSatisfy { $0.count < 400 }, "chart \(i)")
            }
            let back = try JSONDecoder().decode(Chart.self, from: JSONEncoder().encode(chart))
            #expect(back == chart, "chart \(i) survives JSON")
            _ = chart.altText
        }
    }

    @Test func extremeRangesStillGiveTicks() {
        let huge = ChartTicks(scale: .linear, data: [-1e308, 1e308])
        #expect(huge.lower < huge.upper && huge.ticks.count == 2, "a span past Double's range: its two ends")
        let tiny = ChartTicks(scale: .linear, data: [5e-324])
        #expect(tiny.lower < tiny.upper)
        let denormal = ChartTicks(scale: .log10, data: [5e-324])
        #expect(denormal.lower > 0 && denormal.lower < denormal.upper, "no decade below 10⁻³²³")
        let top = ChartTicks(scale: .log10, data: [1.7e308])
        #expect(top.upper == 1e308 && top.upper.isFinite, "no decade past 10³⁰⁸")
        #expect(Chart.heatMap(title: "", counts: [[Int.max, 1], [1, Int.max]], rowLabels: [], columnLabels: []).altText.contains("in all"))
    }
}
