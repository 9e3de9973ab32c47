import Fastai
import Rendering
import Testing

/// `TerminalImage`: 24-bit half-blocks when the terminal says it has them, titles only otherwise.
@Suite struct TerminalImageTests {
    static func grid() throws -> TitledGrid {
        // A 2×3 tile: red over green in column 0, blue over white in column 1, a last row of black.
        let tile = try RGBImage(width: 2, height: 3, pixels: [255, 0, 0, 0, 0, 255, 0, 255, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0])
        return try TitledGrid(tiles: [tile, tile], titles: [["cat"], ["a long title"]], columns: 2)
    }

    @Test func modeFollowsColortermAndNoColor() {
        #expect(TerminalImage.mode(environment: ["COLORTERM": "truecolor"]) == .trueColor)
        #expect(TerminalImage.mode(environment: ["COLORTERM": "24bit"]) == .trueColor)
        #expect(TerminalImage.mode(environment: ["COLORTERM": "truecolor", "NO_COLOR": "1"]) == .plain)
        #expect(TerminalImage.mode(environment: ["TERM": "xterm-256color"]) == .plain)
    }

    @Test func halfBlocksCarryTwoPixelsEach() throws {
        let lines = TerminalImage.lines(try Self.grid(), mode: .trueColor)
        // One title line (each cut to the 2-column tile), then 2 lines for 3 pixel rows.
        #expect(lines.count == 3)
        #expect(lines[0] == "c… a…")
        #expect(lines[1].hasPrefix("\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;255;0m▀\u{1B}[38;2;0;0;255m\u{1B}[48;2;255;255;255m▀\u{1B}[0m "))
        #expect(lines[2].hasPrefix("\u{1B}[38;2;0;0;0m\u{1B}[49m▀"))
        #expect(lines[1].filter { $0 == "▀" }.count == 4)
    }

    @Test func plainModeWritesTheTitlesOnly() throws {
        let lines = TerminalImage.lines(try Self.grid(), mode: .plain)
        #expect(lines == ["    cat      a long title"])
        #expect(!lines.joined().contains("\u{1B}"))
    }
}
