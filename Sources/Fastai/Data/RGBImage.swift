/// A decoded image as PIL's `.convert('RGB')` leaves it: 8-bit R, G, B interleaved, rows top to bottom.
public struct RGBImage: Sendable, Equatable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `height·width·3` bytes, R G B per pixel.
    public let pixels: [UInt8]

    /// An image from its interleaved RGB bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(DataError) {
        guard width >= 1, height >= 1, pixels.count == width * height * 3 else {
            throw DataError("a \(width)×\(height) RGB image needs \(max(0, width * height * 3)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// `open_image`'s tensor: channel planes (C, H, W) of float32 `byte / 255` (`pil2tensor`, `div_(255)`).
    public var planes: [Float] {
        let n = width * height
        var out = [Float](repeating: 0, count: 3 * n)
        for i in 0..<n {
            for c in 0..<3 { out[c * n + i] = Float(pixels[i * 3 + c]) / 255 }
        }
        return out
    }
}
