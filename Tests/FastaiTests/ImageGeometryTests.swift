import Fastai
import Foundation
import Testing

/// fastai v1's resize (area pre-shrink + grid_sample) and crop_pad against PyTorch on the same tensors.
@Suite struct ImageGeometryTests {
    static func planes(_ bytes: [UInt8]) -> [Float] { bytes.map { Float($0) / 255 } }

    @Test func resizeAndCropMatchTorch() throws {
        let fixture = try ImageFixture.load()
        #expect(fixture.geometry.count == 8)
        var worst: Float = 0
        for g in fixture.geometry {
            let target = try #require(g.target)
            #expect([BilinearResize.cropTarget(height: g.height, width: g.width, size: g.size)].map { [$0.0, $0.1] } == [target])
            let shrink = BilinearResize.areaShrinkSize(height: g.height, width: g.width, outHeight: target[0], outWidth: target[1])
            #expect(shrink.map { [$0.0, $0.1] } == g.shrunk, "\(g.height)×\(g.width) → \(g.size)")
            let resized = try BilinearResize.resizeShorterSide(
                Self.planes(g.bytes), channels: 3, height: g.height, width: g.width, size: g.size)
            #expect([resized.height, resized.width] == target)
            let out = try CropPad.crop(
                resized.pixels, channels: 3, height: resized.height, width: resized.width, size: g.size, rowPct: g.row_pct,
                colPct: g.col_pct)
            #expect(out.count == g.output.count)
            let diff = zip(out, g.output).map { abs($0 - $1) }.max() ?? .infinity
            worst = max(worst, diff)
            #expect(diff <= 1e-4, "\(g.height)×\(g.width) → \(g.size): largest difference \(diff)")
        }
        // Printed for docs/architecture.md: the largest difference over all cases.
        #expect(worst <= 2e-6, "largest difference \(worst)")  // measured 1.01e-6 (the fixture keeps 7 digits)
    }

    @Test func cropPadReflectsWhenTheImageIsSmaller() throws {
        let p = try ImageFixture.load().crop_pad_reflect
        let out = try CropPad.crop(Self.planes(p.bytes), channels: 3, height: p.height, width: p.width, size: p.size)
        #expect(out == p.output.map { Float($0) } || zip(out, p.output).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    @Test func halfToEvenTargetAndSizeOneIsRefused() throws {
        // 5×7 to size 2: ratio 2.5, 7/2.5 = 2.8 → 3; 10×25 to 4: 25/2.5 = 10; 6×9 to 4: 9/1.5 = 6.
        #expect(BilinearResize.cropTarget(height: 5, width: 7, size: 2) == (2, 3))
        // Python's round(2.5) = 2: 4×10 to size 1 has 10/4 = 2.5.
        #expect(BilinearResize.cropTarget(height: 4, width: 10, size: 1) == (1, 2))
        #expect(BilinearResize.cropTarget(height: 4, width: 14, size: 1) == (1, 4))  // 3.5 → 4
        #expect(throws: DataError.self) {
            try BilinearResize.resizeShorterSide([Float](repeating: 0, count: 12), channels: 3, height: 2, width: 2, size: 1)
        }
    }

    @Test func aValidationBatchIsFastais() throws {
        // Every fixture image through open_image, resize, centre crop and normalize(imagenet_stats), as one batch.
        let f = try ImageFixture.load()
        let folder = try ImageFixture.folder()
        let items = f.pipeline.files.map { LabelledImage(path: folder.appendingPathComponent($0).path, label: "x") }
        let loader = try ImageFileLoader(
            items: items, labels: items.map { _ in 0 }, batchSize: items.count, shuffle: false, dropLast: false,
            size: f.pipeline.size, normalization: .imagenet)
        var copy = loader
        let batch = try loader.batch(try #require(copy.epoch().first))
        #expect(batch.images.shape == [22, 3, 6, 6])
        let diff = zip(batch.images.storage, f.pipeline.output).map { abs($0 - $1) }.max() ?? .infinity
        #expect(diff <= 1e-5, "largest difference \(diff) in normalised units")
    }
}
