import CPNG

/// Reads and writes PNG files through libpng: the only file that imports it. Reading goes through the C wrapper
/// in `CPNG/shim.h` (which turns libpng's longjmp into a return code); the pixel buffer is copied and freed
/// before returning. Writing uses libpng's simplified API (`png_image_write_to_memory`), which does not jump.
///
/// Reading is as PIL's `Image.open(f).convert('RGB')`: palette looked up, transparency and alpha dropped (not composited),
/// grey replicated, 1/2/4-bit grey scaled by bit replication; 16-bit RGB(A) and grey+alpha keep the high byte
/// (PIL's `RGB;16B`/`RGBA;16B`/`LA;16B` raw modes); 16-bit grey is PIL's `I;16` mode, whose conversion to
/// RGB clips at 255 (`min(v, 255)`) rather than scaling. No gamma (`gAMA`) is applied, as PIL applies none.
public enum PNGCodec {
    public static func decode(_ data: [UInt8], name: String, maxPixels: Int) throws(DataError) -> RGBImage {
        var image = ll_png_image()
        var text = [CChar](repeating: 0, count: 256)
        let ok = data.withUnsafeBufferPointer { src in
            text.withUnsafeMutableBufferPointer { msg in
                ll_png_decode(src.baseAddress, src.count, UInt64(maxPixels), &image, msg.baseAddress)
            }
        }
        guard ok == 1, let pixels = image.pixels else {
            let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if message.contains("above the limit") {
                throw DataError("\(name): the PNG is \(message) pixels (ImageFile.maxPixels); refused before decoding")
            }
            throw DataError("\(name): the PNG cannot be decoded (libpng: \(message.isEmpty ? "unknown error" : message))")
        }
        defer { ll_png_free(&image) }
        let (w, h, channels) = (Int(image.width), Int(image.height), Int(image.channels))
        let bytesPerSample = image.bit_depth == 16 ? 2 : 1
        let greyI16 = bytesPerSample == 2 && channels == 1
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) {
            let base = i * channels * bytesPerSample
            func sample(_ c: Int) -> UInt8 {
                let p = base + c * bytesPerSample
                if greyI16 { return UInt8(min(Int(pixels[p]) << 8 | Int(pixels[p + 1]), 255)) }
                return pixels[p]  // 8-bit sample, or a 16-bit sample's high (first, big-endian) byte
            }
            if channels >= 3 {
                for c in 0..<3 { rgb[i * 3 + c] = sample(c) }
            } else {
                let v = sample(0)
                (rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) = (v, v, v)
            }
        }
        return try RGBImage(width: w, height: h, pixels: rgb)
    }

    /// The PNG file of an 8-bit RGB image.
    public static func encode(_ image: RGBImage) throws(DataError) -> [UInt8] {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        let stride = Int32(image.width * 3)
        // First call: the size needed; second: the bytes.
        let measured = image.pixels.withUnsafeBytes { px in
            png_image_write_to_memory(&png, nil, &size, 0, px.baseAddress, stride, nil)
        }
        guard measured != 0, size > 0 else { throw DataError("cannot encode a \(image.width)×\(image.height) PNG") }
        var out = [UInt8](repeating: 0, count: size)
        let written = image.pixels.withUnsafeBytes { px in
            out.withUnsafeMutableBytes { dst in
                png_image_write_to_memory(&png, dst.baseAddress, &size, 0, px.baseAddress, stride, nil)
            }
        }
        png_image_free(&png)
        guard written != 0 else { throw DataError("cannot encode a \(image.width)×\(image.height) PNG") }
        return Array(out.prefix(size))
    }
}
