import Fastai
import Testing

struct TitledGridEnlargeTests {
    @Test func enlargingRepeatsEachPixelAndKeepsTheTitles() throws {
        let tile = try RGBImage(width: 2, height: 1, pixels: [10, 20, 30, 40, 50, 60])
        let grid = try TitledGrid(tiles: [tile], titles: [["cat"]], columns: 1)
        let big = try grid.enlarged(by: 3)
        #expect(big.titles == [["cat"]] && big.columns == 1)
        let t = try #require(big.tiles.first)
        #expect(t.width == 6 && t.height == 3)
        for y in 0..<3 {
            for x in 0..<6 {
                let expected: [UInt8] = x < 3 ? [10, 20, 30] : [40, 50, 60]
                #expect(Array(t.pixels[((y * 6 + x) * 3)..<((y * 6 + x) * 3 + 3)]) == expected)
            }
        }
        #expect(try grid.enlarged(by: 1) == grid)
        #expect(throws: DataError.self) { try grid.enlarged(by: 0) }
        // The title keeps the font's size: the picture grows by the tiles only.
        let (small, large) = (try grid.picture(), try big.picture())
        #expect(large.height - small.height == 2)
    }
}

extension TitledGridEnlargeTests {
    @Test func enlargingRefusesWhatWouldNotFitInMemory() throws {
        let grid = try TitledGrid(tiles: [try RGBImage(width: 28, height: 28, pixels: [UInt8](repeating: 7, count: 28 * 28 * 3))], columns: 1)
        #expect(throws: DataError.self) { try grid.enlarged(by: 1 << 40) }
        #expect(throws: DataError.self) { try grid.enlarged(by: 400) }
        #expect(try grid.enlarged(by: 16).tiles[0].width == 448)
    }
}
