import Foundation

/// Reads an image file as fastai v1's `open_image` does (`PIL.Image.open(fn).convert('RGB')`): JPEG through
/// libjpeg-turbo, PNG through libpng, recognised by their first bytes (as PIL does), not by the extension.
public enum ImageFile {
    /// The largest image decoded, in pixels: PIL's `DecompressionBombError` threshold, twice
    /// `Image.MAX_IMAGE_PIXELS` (89,478,485). Larger images are refused from their header, before any pixel
    /// buffer is allocated (a 20,000×20,000 PNG would need 1.2 GB as RGB).
    public static let maxPixels = 178_956_970

    /// The decoded RGB pixels of the image at `path`.
    public static func read(_ path: String, maxPixels: Int = maxPixels) throws(DataError) -> RGBImage {
        let data: [UInt8]
        do { data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw DataError("\(path): cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, name: path, maxPixels: maxPixels)
    }

    /// Decodes an image held in memory; `name` is used in error messages.
    public static func decode(_ data: [UInt8], name: String, maxPixels: Int = maxPixels) throws(DataError) -> RGBImage {
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return try JPEGDecoder.decode(data, name: name, maxPixels: maxPixels) }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return try PNGCodec.decode(data, name: name, maxPixels: maxPixels)
        }
        if data.isEmpty { throw DataError("\(name): the file is empty, not an image") }
        throw DataError(
            "\(name): not a JPEG or PNG file (LearnerLens decodes those two formats; the file starts with "
                + data.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ") + ")")
    }

    /// Writes `image` as a PNG file (libpng).
    public static func writePNG(_ image: RGBImage, to path: String) throws(DataError) {
        let bytes = try PNGCodec.encode(image)
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw DataError("\(path): cannot write the PNG (\(error.localizedDescription))")
        }
    }

    static func tooLarge(_ name: String, _ width: Int, _ height: Int, _ limit: Int) -> DataError {
        DataError(
            "\(name): the image is \(width)×\(height), \(width * height) pixels, above the limit of \(limit) "
                + "(ImageFile.maxPixels, PIL's decompression-bomb limit); refused before decoding")
    }
}
