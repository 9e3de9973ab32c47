import Foundation
import Tensors

/// The pictures of show_batch, show_results and plot_top_losses: images in a grid, `columns` per row, each with
/// title lines above it as matplotlib's `ax.set_title` puts them. `picture()` draws it as one RGB image (titles
/// in `BitmapFont`) for PNG; a terminal renderer draws the tiles and writes the titles as text.
public struct TitledGrid: Sendable, Equatable {
    /// The images, un-normalised to 8-bit RGB, all the same size.
    public let tiles: [RGBImage]
    /// Per tile, its title lines (possibly none).
    public let titles: [[String]]
    /// Tiles per row.
    public let columns: Int

    /// `plot_top_losses`'s heading (`fig.suptitle`).
    public static let topLossesHeading = "prediction/actual/loss/probability"

    /// Tiles with their titles (`titles` empty for none, otherwise one list per tile).
    public init(tiles: [RGBImage], titles: [[String]] = [], columns: Int) throws(DataError) {
        guard let first = tiles.first, columns >= 1 else { throw DataError("a grid needs at least one image and one column") }
        guard tiles.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw DataError("the images of a grid must all be \(first.width)×\(first.height)")
        }
        guard titles.isEmpty || titles.count == tiles.count else { throw DataError("\(tiles.count) images but \(titles.count) titles") }
        self.tiles = tiles
        self.titles = titles.isEmpty ? Array(repeating: [], count: tiles.count) : titles
        self.columns = min(columns, tiles.count)
    }

    /// The `[B, 3, H, W]` batch un-normalised (`x·std + mean`, clipped to [0, 1], `·255` rounded), as show_batch
    /// shows it.
    public init(batch: Tensor, normalization: Normalization?, titles: [[String]] = [], columns: Int) throws(DataError) {
        let shape = batch.shape
        guard shape.count == 4, shape[1] == 3, shape[0] >= 1 else {
            throw DataError("a picture needs a [B, 3, H, W] batch, got \(shape)")
        }
        let (b, h, w) = (shape[0], shape[2], shape[3])
        var tiles: [RGBImage] = []
        for i in 0..<b {
            var pixels = [UInt8](repeating: 0, count: h * w * 3)
            for ch in 0..<3 {
                let (m, s) = normalization.map { ($0.mean[ch], $0.std[ch]) } ?? (0, 1)
                for p in 0..<(h * w) {
                    let v = batch.storage[(i * 3 + ch) * h * w + p] * s + m
                    pixels[p * 3 + ch] = UInt8((min(max(v, 0), 1) * 255).rounded())
                }
            }
            tiles.append(try RGBImage(width: w, height: h, pixels: pixels))
        }
        try self.init(tiles: tiles, titles: titles, columns: columns)
    }

    /// Rows of tiles.
    public var rows: Int { (tiles.count + columns - 1) / columns }

    /// `plot_top_losses`'s title for one image, fastai v1's
    /// `f'{classes[pred]}/{classes[actual]} / {loss:.2f} / {probs[idx][actual]:.2f}'` (the probability is the
    /// actual class's), cut after the classes into two lines.
    public static func topLossTitle(predicted: String, actual: String, loss: Float, probability: Float) -> [String] {
        ["\(predicted)/\(actual)", "\(format2(loss)) / \(format2(probability))"]
    }

    /// Python's `f'{x:.2f}'` of the float32 value: C's printf, which rounds the exact binary value as Python does.
    static func format2(_ x: Float) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        return String(format: "%.2f", Double(x))
    }

    /// The grid as one image: white background, `margin` pixels around and between cells, each cell's title
    /// lines (black, centred, `BitmapFont`) above its image. A cell is as wide as its image or its longest title.
    public func picture(margin: Int = 2) throws(DataError) -> RGBImage {
        guard margin >= 0 else { throw DataError("the margin must not be negative, got \(margin)") }
        let (h, w) = (tiles[0].height, tiles[0].width)
        let lines = titles.map(\.count).max() ?? 0
        let longest = titles.flatMap { $0 }.map(\.count).max() ?? 0
        let cellWidth = max(w, longest * BitmapFont.width)
        let titleHeight = lines == 0 ? 0 : lines * BitmapFont.height + 1
        let cellHeight = titleHeight + h
        let width = columns * cellWidth + (columns + 1) * margin, height = rows * cellHeight + (rows + 1) * margin
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for (i, tile) in tiles.enumerated() {
            let (r, c) = (i / columns, i % columns)
            let (top, left) = (margin + r * (cellHeight + margin), margin + c * (cellWidth + margin))
            for (k, line) in titles[i].enumerated() {
                let x = left + (cellWidth - line.count * BitmapFont.width) / 2
                BitmapFont.draw(
                    line, left: x, top: top + k * BitmapFont.height, color: (0, 0, 0), into: &pixels, imageWidth: width, imageHeight: height)
            }
            let imageLeft = left + (cellWidth - w) / 2, imageTop = top + titleHeight
            for y in 0..<h {
                let from = y * w * 3, to = ((imageTop + y) * width + imageLeft) * 3
                pixels.replaceSubrange(to..<(to + w * 3), with: tile.pixels[from..<(from + w * 3)])
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Every tile `factor` times larger, each pixel a `factor`×`factor` block (nearest neighbour: 28-pixel
    /// images stay crisp), the titles unchanged, so they keep the font's own size above bigger pictures.
    public func enlarged(by factor: Int) throws(DataError) -> TitledGrid {
        guard factor >= 1 else { throw DataError("a tile can only be enlarged by 1× or more, got \(factor)×") }
        let pixels = tiles.reduce(0) { $0 + $1.width * $1.height }
        guard factor <= 64, pixels.multipliedReportingOverflow(by: factor * factor).partialValue <= 64 << 20,
            !pixels.multipliedReportingOverflow(by: factor * factor).overflow
        else { throw DataError("enlarging \(tiles.count) tiles \(factor)× would make more than \(64 << 20) pixels") }
        if factor == 1 { return self }
        let tiles = try self.tiles.map { tile throws(DataError) -> RGBImage in
            let (w, h) = (tile.width * factor, tile.height * factor)
            var out = [UInt8](repeating: 0, count: w * h * 3)
            for y in 0..<h {
                let row = (y / factor) * tile.width
                for x in 0..<w {
                    let from = (row + x / factor) * 3, to = (y * w + x) * 3
                    out[to] = tile.pixels[from]
                    out[to + 1] = tile.pixels[from + 1]
                    out[to + 2] = tile.pixels[from + 2]
                }
            }
            return try RGBImage(width: w, height: h, pixels: out)
        }
        return try TitledGrid(tiles: tiles, titles: titles, columns: columns)
    }

    /// The same grid with every tile box-averaged down to `width`×`height` pixels (for a terminal, where a
    /// character is a pixel across and two down). Tiles already that small or smaller are kept.
    public func scaled(width: Int, height: Int) throws(DataError) -> TitledGrid {
        guard width >= 1, height >= 1 else { throw DataError("a tile needs at least 1×1 pixels, got \(width)×\(height)") }
        let tiles = try self.tiles.map { tile throws(DataError) -> RGBImage in
            let (tw, th) = (min(width, tile.width), min(height, tile.height))
            if tw == tile.width && th == tile.height { return tile }
            var out = [UInt8](repeating: 0, count: tw * th * 3)
            for y in 0..<th {
                let (y0, y1) = (y * tile.height / th, max(y * tile.height / th + 1, (y + 1) * tile.height / th))
                for x in 0..<tw {
                    let (x0, x1) = (x * tile.width / tw, max(x * tile.width / tw + 1, (x + 1) * tile.width / tw))
                    for c in 0..<3 {
                        var sum = 0
                        for yy in y0..<y1 { for xx in x0..<x1 { sum += Int(tile.pixels[(yy * tile.width + xx) * 3 + c]) } }
                        let n = (y1 - y0) * (x1 - x0)
                        out[(y * tw + x) * 3 + c] = UInt8((sum + n / 2) / n)
                    }
                }
            }
            return try RGBImage(width: tw, height: th, pixels: out)
        }
        return try TitledGrid(tiles: tiles, titles: titles, columns: columns)
    }
}
