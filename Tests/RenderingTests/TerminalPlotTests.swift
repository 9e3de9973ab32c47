import LessonKit
import Testing

@testable import Rendering

/// Terminal charts: goldens with and without colour, and where points land.
@Suite struct TerminalPlotTests {
    @Test func pointsLandWhereTheirValuesSay() {
        let chart = Chart.line(
            title: "", x: .init(title: "", scale: .log10), y: .init(title: ""), series: [.init(name: "s", x: [1e-3, 1e-2, 1e-1], y: [3.0, 1, 2])])
        // y: 1…3 in steps of 1; x: three decades, the middle label left out for lack of room.
        // Between points the line is filled in column by column (rounded half up).
        #expect(
            TerminalPlot.lines(chart, width: 9, height: 5)
                == [
                    "3 ┤•",
                    "  │ •",
                    "2 ┤  •     •",
                    "  │   •  ••",
                    "1 ┤    ••",
                    "  └┬───┬───┬",
                    "   10⁻³  10⁻¹",
                ])
    }

    @Test(arguments: [
        ("lrFind", "chart-lr-find"), ("losses", "chart-losses"), ("groupRates", "chart-group-rates"), ("confusion", "chart-confusion"),
        ("small", "chart-small-heatmap"),
    ])
    func golden(name: String, file: String) throws {
        let chart = try #require(ChartSamples.named(name))
        let plain = TerminalPlot.lines(chart)
        Golden.check(plain.joined(separator: "\n") + "\n", against: file + ".txt")
        #expect(!plain.joined().contains("\u{1B}"), "no escape codes without colour")
        let colored = TerminalPlot.lines(chart, color: true)
        Golden.check(colored.joined(separator: "\n") + "\n", against: file + ".color.txt")
        #expect(colored.count == plain.count)
        #expect(colored.allSatisfy { !$0.contains("\u{1B}") || $0.hasSuffix("\u{1B}[0m") || !$0.hasSuffix("m") }, "styles are closed on every line")
        #expect(
            colored.map { Self.stripped($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) } == plain,
            "colour only adds escape codes")
    }

    @Test func heatMapCellsAreShadedOnlyWithColour() {
        let colored = TerminalPlot.lines(ChartSamples.small, color: true)
        #expect(colored.joined().components(separatedBy: "\u{1B}[48;2;").count - 1 == 9, "a background per cell")
        #expect(colored.joined().contains("\u{1B}[48;2;8;48;107m\u{1B}[38;2;255;255;255m   9 "), "the largest count: darkest cell, white text")
        let plain = TerminalPlot.lines(ChartSamples.small)
        #expect(
            plain == [
                "3 classes",
                "         Predicted →",
                "Actual ↓  cat  dog  <b>",
                "cat         5    1    0",
                "dog         2    7    0",
                "<b>         0    0    9",
            ])
    }

    @Test func longLabelsBecomeIndices() {
        let lines = TerminalPlot.lines(ChartSamples.confusion)
        #expect(lines[2].hasPrefix("Actual ↓") && lines[2].hasSuffix("0   1   2   3   4   5   6   7   8   9"))
        #expect(lines[3].hasPrefix("0 T-shirt/top"))
        let mixed = Chart.heatMap(title: "", counts: [[1, 2]], rowLabels: ["a"], columnLabels: ["long label", "other label"])
        #expect(TerminalPlot.lines(mixed).last == "Predicted: 0 long label, 1 other label")
    }

    @Test func emptyChartsSaySo() {
        let empty = Chart.line(title: "t", x: .init(title: "x"), y: .init(title: "y"), series: [.init(name: "s", x: [Double.nan], y: [1.0])])
        #expect(TerminalPlot.lines(empty) == ["t", "(no data to draw)"])
        let zeroLog = Chart.line(
            title: "", x: .init(title: "", scale: .log10), y: .init(title: ""), series: [.init(name: "s", x: [0.0, -1], y: [1.0, 2])])
        #expect(TerminalPlot.lines(zeroLog) == ["(no data to draw)"])
    }

    @Test func markersAreDrawnAndListed() {
        let lines = TerminalPlot.lines(ChartSamples.lrFind)
        #expect(lines.contains { $0.contains("◆") && $0.contains("┊") == false } || lines.contains { $0.contains("◆") })
        #expect(lines.last?.hasSuffix("◆ min numerical gradient: 3.91E-04") == true)
        #expect(lines.filter { $0.contains("┊") }.count >= 10, "the marker's column runs through the plot")
    }

    static func stripped(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
