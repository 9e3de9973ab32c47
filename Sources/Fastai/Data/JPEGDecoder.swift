import CTurboJPEG

/// Decodes JPEG files through libjpeg-turbo's TurboJPEG API: the only file that imports it; no handle leaves it.
///
/// As PIL's `Image.open(f).convert('RGB')`: islow DCT and fancy upsampling (libjpeg's defaults, which PIL keeps);
/// greyscale replicated into R, G and B; CMYK/YCCK read as PIL reads them (Adobe-inverted, `CMYK;I`) and
/// converted with PIL's `cmyk2rgb` (`R = (255−K) − (C·(255−K))/255`, rounded as `MULDIV255`). EXIF orientation
/// is not applied: fastai v1's `open_image` never calls `exif_transpose`.
enum JPEGDecoder {
    static func decode(_ data: [UInt8], name: String, maxPixels: Int) throws(DataError) -> RGBImage {
        guard let handle = tjInitDecompress() else { throw DataError("\(name): cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = data.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0 else { throw DataError("\(name): not a readable JPEG (\(message(handle)))") }
        let (w, h) = (Int(width), Int(height))
        guard w >= 1, h >= 1 else { throw DataError("\(name): the JPEG has no pixels (\(w)×\(h))") }
        guard w * h <= maxPixels else { throw ImageFile.tooLarge(name, w, h, maxPixels) }
        let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let grey = colorspace == Int32(TJCS_GRAY.rawValue)
        let format: TJPF = cmyk ? TJPF_CMYK : grey ? TJPF_GRAY : TJPF_RGB
        let channels = cmyk ? 4 : grey ? 1 : 3
        var raw = [UInt8](repeating: 0, count: w * h * channels)
        let status = data.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(
                    handle, src.baseAddress, UInt(src.count), dst.baseAddress, width, Int32(w * channels), height,
                    Int32(format.rawValue), 0)
            }
        }
        if status != 0 {
            let text = message(handle)
            // A warning still yields the image (PIL ignores libjpeg's warnings, e.g. extraneous bytes), but a file
            // that ends early is refused, as PIL refuses it ("image file is truncated"). A truncated file can warn
            // about anything (a cut progressive scan says "Bogus Huffman table definition"), so truncation is
            // told by the end-of-image marker missing after the last scan.
            if tjGetErrorCode(handle) == Int32(TJERR_FATAL.rawValue) {
                throw DataError("\(name): the JPEG cannot be decoded (\(text))")
            }
            if !endsAfterLastScan(data) {
                throw DataError("\(name): the JPEG is truncated: it ends before its end-of-image marker (libjpeg-turbo: \(text))")
            }
        }
        switch channels {
        case 3: return try RGBImage(width: w, height: h, pixels: raw)
        case 1: return try RGBImage(width: w, height: h, pixels: raw.flatMap { [$0, $0, $0] })
        default:
            var rgb = [UInt8](repeating: 0, count: w * h * 3)
            for i in 0..<(w * h) {
                // PIL's "CMYK;I" raw mode inverts the stored (Adobe) samples; then cmyk2rgb.
                let k = 255 - Int(raw[i * 4 + 3])
                let nk = 255 - k
                for c in 0..<3 {
                    let v = 255 - Int(raw[i * 4 + c])
                    rgb[i * 3 + c] = UInt8(clamping: nk - mulDiv255(v, nk))
                }
            }
            return try RGBImage(width: w, height: h, pixels: rgb)
        }
    }

    /// Whether an end-of-image marker (FF D9) follows the last start-of-scan marker (FF DA). Inside entropy-coded
    /// data FF is always followed by 00 or a restart marker, so neither pair can occur there by chance.
    static func endsAfterLastScan(_ data: [UInt8]) -> Bool {
        var lastScan = -1, lastEnd = -1
        for i in 0..<max(0, data.count - 1) where data[i] == 0xFF {
            if data[i + 1] == 0xDA { lastScan = i } else if data[i + 1] == 0xD9 { lastEnd = i }
        }
        return lastEnd > lastScan
    }

    /// PIL's `MULDIV255(a, b)`: `a·b/255` rounded with its shift trick.
    static func mulDiv255(_ a: Int, _ b: Int) -> Int {
        let t = a * b + 128
        return (t + (t >> 8)) >> 8
    }

    private static func message(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
    }
}
