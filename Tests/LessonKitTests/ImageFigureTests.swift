import Fastai
import Foundation
import LessonKit
import Testing

/// A record's pictures: tiles stored as PNGs, and a scale from the file checked before anything is drawn.
struct ImageFigureTests {
    static func figure(scale: Int) throws -> ImageFigure {
        let tile = try RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 9) })
        return ImageFigure(title: "t", alt: "a", grid: try TitledGrid(tiles: [tile, tile], titles: [["x"], ["y", "z"]], columns: 2), scale: scale)
    }

    @Test func aRecordedFigureComesBackAsItWas() throws {
        let f = try Self.figure(scale: 3)
        #expect(try JSONDecoder().decode(ImageFigure.self, from: JSONEncoder().encode(f)) == f)
        let (png, picture) = try f.pngAndPicture()
        #expect(png == (try f.png()) && picture.width > 2 * 3 * 3)
    }

    @Test func aScaleOutsideItsRangeIsRefused() throws {
        let json = String(decoding: try JSONEncoder().encode(try Self.figure(scale: 3)), as: UTF8.self)
        for bad in ["0", "-2", "17", "100000000000000000"] {
            let edited = json.replacingOccurrences(of: "\"scale\":3", with: "\"scale\":\(bad)")
            #expect(edited != json)
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(ImageFigure.self, from: Data(edited.utf8)) }
        }
    }
}
