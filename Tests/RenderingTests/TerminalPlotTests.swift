import Testing

@testable import Rendering

@Suite struct TerminalPlotTests {
    @Test func pointsLandWhereTheirValuesSay() {
        let lines = TerminalPlot.lines(x: [1e-3, 1e-2, 1e-1], y: [3, 1, 2], width: 5, height: 3, logX: true)
        #expect(
            lines == [
                "3 │•    ",
                "  │    •",
                "1 │  •  ",
                "  └─────",
                "   1.00E-03 0.1",
            ])
        #expect(TerminalPlot.lines(x: [], y: []) == [])
        #expect(TerminalPlot.lines(x: [0, -1], y: [1, 2], logX: true) == [])
    }
}
