import Fastai
import Foundation
import Testing

/// Picture grids with titles (show_batch, plot_top_losses): layout, the bitmap font's pixels against a golden
/// PNG, fastai's title format and the terminal downscale.
@Suite struct TitledGridTests {
    static func solid(_ rgb: [UInt8], width: Int = 4, height: Int = 4) throws -> RGBImage {
        try RGBImage(width: width, height: height, pixels: Array((0..<(width * height)).map { _ in rgb }.joined()))
    }

    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/titled-grid.png")

    @Test func titlesSitAboveTheirImagesAndMatchTheGolden() throws {
        let grid = try TitledGrid(
            tiles: [try Self.solid([255, 0, 0]), try Self.solid([0, 0, 255])],
            titles: [["ab"], TitledGrid.topLossTitle(predicted: "Cat", actual: "dog", loss: 0.25, probability: 0.1)], columns: 2)
        let picture = try grid.picture()
        // The longest title, "0.25 / 0.10", is 11 characters of 6 px: cells 66 wide; two lines of 13 px + 1 above 4 px.
        #expect(picture.width == 2 * 66 + 3 * 2 && picture.height == 2 * 13 + 1 + 4 + 2 * 2)
        func px(_ x: Int, _ y: Int) -> [UInt8] { Array(picture.pixels[((y * picture.width + x) * 3)..<((y * picture.width + x) * 3 + 3)]) }
        let imageTop = 2 + 27
        #expect(px(2 + 31, imageTop) == [255, 0, 0] && px(2 + 34, imageTop + 3) == [255, 0, 0])
        #expect(px(2 + 66 + 2 + 31, imageTop) == [0, 0, 255])
        #expect(px(2 + 30, imageTop) == [255, 255, 255])  // white beside the image
        var ink = 0
        for y in 0..<picture.height {
            for x in 0..<picture.width where px(x, y) == [0, 0, 0] {
                ink += 1
                #expect(y >= 2 && y < imageTop, "black only in the title band, found at \(x),\(y)")
            }
        }
        #expect(ink > 100)
        if ProcessInfo.processInfo.environment["LEARNERLENS_RECORD"] == "1" { try ImageFile.writePNG(picture, to: Self.golden.path) }
        #expect(try ImageFile.read(Self.golden.path) == picture, "re-record with LEARNERLENS_RECORD=1 if the layout changed on purpose")
    }

    @Test func fontDrawsAsciiAndQuestionMarksForTheRest() {
        func glyph(_ c: Character) -> [Bool] {
            (0..<BitmapFont.height).flatMap { y in (0..<BitmapFont.width).map { x in BitmapFont.ink(c, x: x, y: y) } }
        }
        #expect(!glyph(" ").contains(true))
        #expect(glyph("l") != glyph("1") && glyph("O") != glyph("0"))
        #expect(glyph("é") == glyph("?") && glyph("?").contains(true))
        // '|' is one vertical stroke: every inked row has the same single column.
        let bar = (0..<BitmapFont.height).compactMap { y in (0..<BitmapFont.width).filter { BitmapFont.ink("|", x: $0, y: y) }.first }
        #expect(bar.count >= 10 && Set(bar).count == 1)
    }

    @Test func topLossTitleIsFastaisFormat() {
        // fastai v1: f'{classes[pred]}/{classes[y]} / {loss:.2f} / {probs[idx][y]:.2f}', cut after the classes.
        #expect(
            TitledGrid.topLossTitle(predicted: "Abyssinian", actual: "Bengal", loss: 2.345, probability: 0.125) == [
                "Abyssinian/Bengal", "2.35 / 0.12",
            ])
        #expect(TitledGrid.topLossTitle(predicted: "a", actual: "b", loss: .nan, probability: 1) == ["a/b", "nan / 1.00"])
    }

    @Test func scalingAveragesBoxes() throws {
        let tile = try RGBImage(
            width: 2, height: 2, pixels: [0, 0, 0, 255, 255, 255, 100, 100, 100, 101, 101, 101])
        let small = try TitledGrid(tiles: [tile], columns: 1).scaled(width: 1, height: 1)
        #expect(small.tiles[0].pixels == [114, 114, 114])  // (0 + 255 + 100 + 101 + 2) / 4
        #expect(try TitledGrid(tiles: [tile], columns: 1).scaled(width: 4, height: 4).tiles[0] == tile)
        #expect(throws: DataError.self) { try TitledGrid(tiles: [tile, try Self.solid([1, 2, 3])], columns: 2) }
    }
}
