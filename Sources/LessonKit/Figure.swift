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

/// An image a step made (a batch, the top losses): RGB pixels at their own resolution, a title,
/// a text alternative, and the captions of its tiles for a terminal without pictures.
public struct ImageFigure: Sendable, Equatable {
    public var title: String
    /// What the picture shows, for screen readers and plain terminals.
    public var alt: String
    public var image: RGBImage
    /// How many times larger pages draw it (pixelated): 28-pixel tiles are hard to see at 1×.
    public var scale: Int
    /// One line per tile (`Ankle boot`, `Shirt/T-shirt/top / 3.21 / 0.04`), in tile order.
    public var captions: [String]

    public init(title: String, alt: String, image: RGBImage, scale: Int = 1, captions: [String] = []) {
        self.title = title
        self.alt = alt
        self.image = image
        self.scale = scale
        self.captions = captions
    }

    /// The picture as a PNG file's bytes.
    public func png() throws -> [UInt8] { try PNGCodec.encode(image) }
}

extension ImageFigure: Codable {
    private enum CodingKeys: String, CodingKey { case title, alt, png, scale, captions }

    /// Stored as a base64 PNG, so a recorded run stays small and any viewer can open it.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(alt, forKey: .alt)
        try c.encode(Data(try png()).base64EncodedString(), forKey: .png)
        try c.encode(scale, forKey: .scale)
        try c.encode(captions, forKey: .captions)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        alt = try c.decode(String.self, forKey: .alt)
        scale = try c.decode(Int.self, forKey: .scale)
        captions = try c.decode([String].self, forKey: .captions)
        let text = try c.decode(String.self, forKey: .png)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: .png, in: c, debugDescription: "the picture is not base64")
        }
        image = try PNGCodec.decode([UInt8](data), name: "a recorded figure", maxPixels: 64 << 20)
    }
}
