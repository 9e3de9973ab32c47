import Fastai
import Foundation

/// A picture a step shows next to its facts: a chart (drawn as SVG on pages and in notebooks, as
/// characters in the terminal) or an image (a PNG on pages, half-blocks in the terminal). Steps
/// make figures from what they measured; `Rendering` draws them and never computes anything.
public enum Figure: Sendable, Equatable, Codable {
    case chart(Chart)
    case image(ImageFigure)

    /// The figure's heading.
    public var title: String {
        switch self {
        case .chart(let c): c.title
        case .image(let i): i.title
        }
    }
}

/// Pictures a step made (a batch, the top losses): a grid of tiles at their own resolution, each with
/// its title lines as fastai's matplotlib figures put them, a heading and a text alternative.
public struct ImageFigure: Sendable, Equatable {
    public var title: String
    /// What the picture shows, for screen readers.
    public var alt: String
    public var grid: TitledGrid
    /// How many times larger pages and notebooks draw the tiles: 28-pixel tiles are hard to see at 1×.
    public var scale: Int

    public init(title: String, alt: String, grid: TitledGrid, scale: Int = 1) {
        self.title = title
        self.alt = alt
        self.grid = grid
        self.scale = scale
    }

    /// The grid drawn as one picture, its tiles enlarged `scale` times and the titles (in `BitmapFont`) at
    /// the font's own size, as a PNG file's bytes.
    public func png() throws -> [UInt8] { try pngAndPicture().png }

    /// The PNG and the picture it encodes (for its size), drawn once.
    public func pngAndPicture() throws -> (png: [UInt8], picture: RGBImage) {
        let picture = try picture()
        return (try PNGCodec.encode(picture), picture)
    }

    /// The largest `scale` a record may carry: tiles are drawn that many times larger.
    public static let maxScale = 16

    /// The picture `png()` encodes.
    public func picture() throws -> RGBImage { try grid.enlarged(by: max(1, scale)).picture() }
}

extension ImageFigure: Codable {
    private enum CodingKeys: String, CodingKey { case title, alt, scale, columns, tiles, titles }

    /// Each tile as a base64 PNG, so a recorded run stays small and the terminal can still draw tiles.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(alt, forKey: .alt)
        try c.encode(scale, forKey: .scale)
        try c.encode(grid.columns, forKey: .columns)
        try c.encode(try grid.tiles.map { Data(try PNGCodec.encode($0)).base64EncodedString() }, forKey: .tiles)
        try c.encode(grid.titles, forKey: .titles)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        alt = try c.decode(String.self, forKey: .alt)
        scale = try c.decode(Int.self, forKey: .scale)
        guard (1...Self.maxScale).contains(scale) else {
            throw DecodingError.dataCorruptedError(forKey: .scale, in: c, debugDescription: "scale \(scale) is not in 1...\(Self.maxScale)")
        }
        let tiles = try c.decode([String].self, forKey: .tiles).map { text -> RGBImage in
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: .tiles, in: c, debugDescription: "a tile is not base64")
            }
            return try PNGCodec.decode([UInt8](data), name: "a recorded picture", maxPixels: 16 << 20)
        }
        grid = try TitledGrid(tiles: tiles, titles: try c.decode([[String]].self, forKey: .titles), columns: try c.decode(Int.self, forKey: .columns))
    }
}
