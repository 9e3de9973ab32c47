import Fastai
import Foundation
import Tensors
import Testing

/// JPEG and PNG decoding against PIL's `Image.open(f).convert('RGB')` on the fixture images.
@Suite struct ImageDecodingTests {
    /// Largest absolute difference per byte between our pixels and PIL's.
    static func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    @Test func everyFixtureDecodesAsPILDoes() throws {
        let fixture = try ImageFixture.load()
        let folder = try ImageFixture.folder()
        #expect(fixture.decoded.count == 22)
        for d in fixture.decoded {
            let image = try ImageFile.read(folder.appendingPathComponent(d.file).path)
            let expected = try #require(Data(base64Encoded: d.rgb)).map { $0 }
            #expect(image.width == d.width && image.height == d.height, "\(d.file)")
            let diff = Self.maxDifference(image.pixels, expected)
            // Pillow's wheel bundles libjpeg-turbo 3.x, Debian has 2.1.5: the same islow IDCT and fancy upsampling.
            #expect(diff == 0, "\(d.file) (PIL mode \(d.mode)): largest difference \(diff)")
        }
    }

    @Test func exifOrientationIsNotApplied() throws {
        let folder = try ImageFixture.folder()
        let plain = try ImageFile.read(folder.appendingPathComponent("jpeg_baseline_420.jpg").path)
        let rotated = try ImageFile.read(folder.appendingPathComponent("jpeg_exif_orientation6.jpg").path)
        #expect(rotated.width == plain.width && rotated.height == plain.height)
        #expect(rotated.pixels == plain.pixels)
    }

    @Test func truncatedAndForeignFilesAreNamed() throws {
        let folder = try ImageFixture.folder()
        for file in ["jpeg_baseline_420.jpg", "png_rgb8.png", "png_rgb8_interlaced.png", "jpeg_progressive_420.jpg"] {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(file)))
            for cut in [bytes.count / 2, 20, 3] {
                #expect(throws: DataError.self, "\(file) cut at \(cut)") {
                    try ImageFile.decode(Array(bytes.prefix(cut)), name: file)
                }
            }
        }
        let error = #expect(throws: DataError.self) { try ImageFile.decode(Array("hello".utf8), name: "notes.jpg") }
        #expect(error?.message.contains("notes.jpg: not a JPEG or PNG") == true)
        #expect(throws: DataError.self) { try ImageFile.decode([], name: "empty.png") }
        #expect(throws: DataError.self) { try ImageFile.read("/nonexistent/x.jpg") }
    }

    @Test func imagesAboveThePixelLimitAreRefusedFromTheHeader() throws {
        let folder = try ImageFixture.folder()
        for file in ["jpeg_baseline_420.jpg", "png_rgb8.png"] {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(file)))
            let error = #expect(throws: DataError.self) { try ImageFile.decode(bytes, name: file, maxPixels: 19 * 13 - 1) }
            #expect(error?.message.contains("above the limit of 246") == true, "\(error?.message ?? "")")
            #expect(try ImageFile.decode(bytes, name: file, maxPixels: 19 * 13).width == 19)
        }
        // A PNG header claiming 20,000×20,000 pixels is refused without allocating.
        var header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        header += [0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 2, 0, 0, 0]
        header += crc32(Array(header[12...])).bigEndianBytes
        header += [0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54] + crc32([0x49, 0x44, 0x41, 0x54]).bigEndianBytes  // empty IDAT
        let error = #expect(throws: DataError.self) { try ImageFile.decode(header, name: "huge.png") }
        #expect(error?.message.contains("400000000 pixels, above the limit of 178956970") == true, "\(error?.message ?? "")")
    }

    @Test func gridPNGRoundTrips() throws {
        // A 2-image batch of known values, un-normalised into a grid, written by libpng and read back.
        let values: [Float] = (0..<(2 * 3 * 2 * 3)).map { Float($0 % 7) / 6 }
        let batch = Tensor(shape: [2, 3, 2, 3], storage: values)
        let grid = try ImageGrid.picture(of: batch, normalization: nil, columns: 2, margin: 1)
        #expect(grid.width == 2 * 3 + 3 && grid.height == 2 + 2)
        #expect(grid.pixels[0] == 255)  // margin
        // Image 1, channel 0, pixel (0, 0) sits at row 1, column 1 + 3 + 1.
        #expect(grid.pixels[(1 * grid.width + 5) * 3] == UInt8((values[18] * 255).rounded()))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ll-grid-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ImageFile.writePNG(grid, to: path)
        #expect(try ImageFile.read(path) == grid)
    }

    @Test func planesAreOpenImageFloats() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 128, 255, 1, 2, 3])
        #expect(image.planes == [0, Float(1) / 255, Float(128) / 255, Float(2) / 255, 1, Float(3) / 255])
        #expect(throws: DataError.self) { try RGBImage(width: 2, height: 2, pixels: [0]) }
    }
}

/// zlib's CRC-32, for hand-made PNG chunks.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return ~c
}

extension UInt32 {
    var bigEndianBytes: [UInt8] { [UInt8(self >> 24), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)] }
}
