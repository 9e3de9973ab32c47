import Fastai

/// A `TitledGrid` in a terminal: each character cell shows two pixels, the upper as the foreground colour of
/// `▀` and the lower as the background, in 24-bit colour (`ESC[38;2;r;g;bm`, `ESC[48;2;r;g;bm`), with each
/// tile's title lines above it. Without colour, only the titles, row by row.
public enum TerminalImage {
    /// How a terminal can show pictures.
    public enum Mode: Sendable, Equatable {
        /// 24-bit colour half-blocks.
        case trueColor
        /// Text only: the titles.
        case plain
    }

    /// `trueColor` when `COLORTERM` is `truecolor` or `24bit` and `NO_COLOR` is unset, as terminals announce it.
    public static func mode(environment: [String: String]) -> Mode {
        guard environment["NO_COLOR"] == nil, let c = environment["COLORTERM"]?.lowercased() else { return .plain }
        return c == "truecolor" || c == "24bit" ? .trueColor : .plain
    }

    /// The grid's lines: tiles one character per pixel across and two pixels per line down, `gap` spaces
    /// between them; each title line cut to the tile's width. The grid's tiles are drawn at their size, so
    /// scale it first (`TitledGrid.scaled`) to fit the terminal.
    /// The grid with its tiles shrunk (never enlarged) so a row of them fits `width` columns, each at
    /// most `maxSide` characters wide: photos of 224 pixels would otherwise print 224 columns a tile.
    public static func lines(_ grid: TitledGrid, fitting width: Int, maxSide: Int = 48, mode: Mode) -> [String] {
        guard let tile = grid.tiles.first else { return [] }
        let columns = max(1, grid.columns)
        let side = max(2, min(tile.width, maxSide, (width - (columns - 1)) / columns))
        return lines((try? grid.scaled(width: side, height: side)) ?? grid, mode: mode)
    }

    public static func lines(_ grid: TitledGrid, mode: Mode, gap: Int = 1) -> [String] {
        let (w, h) = (grid.tiles[0].width, grid.tiles[0].height)
        let space = String(repeating: " ", count: gap)
        var out: [String] = []
        for r in 0..<grid.rows {
            let cells = Array((r * grid.columns)..<min((r + 1) * grid.columns, grid.tiles.count))
            let titleLines = cells.map { grid.titles[$0].count }.max() ?? 0
            for k in 0..<titleLines {
                let parts = cells.map { i in
                    let line = k < grid.titles[i].count ? grid.titles[i][k] : ""
                    return fit(line, width: mode == .plain ? max(w, longestTitle(grid)) : w)
                }
                out.append(trimmed(parts.joined(separator: space)))
            }
            guard mode == .trueColor else { continue }
            for y in stride(from: 0, to: h, by: 2) {
                var line = ""
                for (n, i) in cells.enumerated() {
                    if n > 0 { line += space }
                    let tile = grid.tiles[i]
                    for x in 0..<w {
                        let top = pixel(tile, x, y)
                        if y + 1 < h {
                            let bottom = pixel(tile, x, y + 1)
                            line += "\u{1B}[38;2;\(top.0);\(top.1);\(top.2)m\u{1B}[48;2;\(bottom.0);\(bottom.1);\(bottom.2)m▀"
                        } else {
                            line += "\u{1B}[38;2;\(top.0);\(top.1);\(top.2)m\u{1B}[49m▀"
                        }
                    }
                    line += "\u{1B}[0m"
                }
                out.append(line)
            }
            if r + 1 < grid.rows { out.append("") }
        }
        return out
    }

    static func longestTitle(_ grid: TitledGrid) -> Int { grid.titles.flatMap { $0 }.map(\.count).max() ?? 0 }

    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let o = (y * image.width + x) * 3
        return (image.pixels[o], image.pixels[o + 1], image.pixels[o + 2])
    }

    /// `text` centred in `width` columns, or cut to `width − 1` characters and `…`.
    static func fit(_ text: String, width: Int) -> String {
        guard text.count <= width else { return width <= 1 ? String(text.prefix(width)) : String(text.prefix(width - 1)) + "…" }
        let left = (width - text.count) / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: width - text.count - left)
    }

    static func trimmed(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
