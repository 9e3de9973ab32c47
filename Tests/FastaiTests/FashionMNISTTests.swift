import Foundation
import Testing

@testable import Fastai
@testable import Tensors

/// The IDX/gzip reader, Fashion-MNIST, the image loader and fastai's bilinear resize.
@Suite struct FashionMNISTTests {
    /// gzip (Python, mtime 0) of an IDX file of two 2×3 images: [0, 51, 102, 153, 204, 255] and [10 … 60].
    static let imagesGz: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 99, 96, 224, 96, 102, 96, 96, 96, 130, 98, 102, 6, 227, 180, 153, 103, 254, 115, 137,
        200, 105, 24, 217, 0, 0, 83, 169, 130, 169, 28, 0, 0, 0,
    ]
    /// gzip of an IDX label file holding [7, 2].
    static let labelsGz: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 99, 96, 224, 96, 100, 96, 96, 96, 98, 103, 2, 0, 242, 91, 211, 52, 10, 0, 0, 0,
    ]

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func readsGzippedIDXFiles() throws {
        let images = try IDXFile(contentsOfFile: write(Self.imagesGz, "i.gz"))
        #expect(images.dimensions == [2, 2, 3])
        #expect(images.values == [0, 51, 102, 153, 204, 255, 10, 20, 30, 40, 50, 60])
        let labels = try IDXFile(contentsOfFile: write(Self.labelsGz, "l.gz"))
        #expect(labels.dimensions == [2] && labels.values == [7, 2])
        let set = try GrayscaleImages(images: images, labels: labels, name: "tiny")
        #expect(set.count == 2 && set.height == 2 && set.width == 3 && set.labels == [7, 2])
        #expect(throws: DataError.self) { try set.prefix(3, of: "training") }
        #expect(try set.prefix(1, of: "training").pixels == [0, 51, 102, 153, 204, 255])
    }

    @Test func refusesMalformedIDX() throws {
        #expect(throws: DataError.self) { try IDXFile(bytes: [0, 0, 8], name: "short") }
        #expect(throws: DataError.self) { try IDXFile(bytes: [1, 0, 8, 1, 0, 0, 0, 1, 5], name: "magic") }
        #expect(throws: DataError.self) { try IDXFile(bytes: [0, 0, 0x0D, 1, 0, 0, 0, 1, 5], name: "float") }
        #expect(throws: DataError.self) { try IDXFile(bytes: [0, 0, 8, 1, 0, 0, 0, 2, 5], name: "truncated") }
        #expect(try IDXFile(bytes: [0, 0, 8, 1, 0, 0, 0, 1, 5], name: "ok").values == [5])
        #expect(throws: DataError.self) { try IDXFile(contentsOfFile: "/nonexistent/file.gz") }
    }

    @Test func missingDataSetNamesThePackage() {
        do {
            _ = try FashionMNIST(directory: "/nonexistent")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("apt-get install dataset-fashion-mnist"))
            #expect(error.message.contains("/nonexistent/train-images-idx3-ubyte.gz"))
        }
    }

    static func tinySet() throws -> GrayscaleImages {
        // Ten 2×2 images; image i holds the values i, i+1, i+2, i+3 and label i % 3.
        try GrayscaleImages(
            height: 2, width: 2, pixels: (0..<10).flatMap { i in (0..<4).map { UInt8(i * 10 + $0) } }, labels: (0..<10).map { $0 % 3 })
    }

    @Test func loaderBatchesReplicateGrayAndNormalise() throws {
        let set = try Self.tinySet()
        let norm = try Normalization(mean: [0.5, 0.25, 0], std: [0.5, 1, 2])
        let valid = try ImageLoader(images: set, batchSize: 4, shuffle: false, dropLast: false, normalization: norm)
        var v = valid
        let batches = v.epoch()
        #expect(batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])  // unshuffled, keeps the last partial batch
        let b = try valid.batch(batches[2])
        #expect(b.images.shape == [2, 3, 2, 2] && b.labels == [2, 0])
        let x = Float(81) / 255  // image 8, pixel 1
        #expect(b.images.storage[1] == (x - 0.5) / 0.5)
        #expect(b.images.storage[4 + 1] == (x - 0.25) / 1)
        #expect(b.images.storage[8 + 1] == (x - 0) / 2)

        var train = try ImageLoader(images: set, batchSize: 4, shuffle: true, dropLast: true, normalization: nil, seed: 7)
        #expect(train.batchCount == 2)  // floor(10/4): drop_last
        let e1 = train.epoch(), e2 = train.epoch()
        #expect(e1.count == 2 && e1.allSatisfy { $0.count == 4 })
        #expect(e1 != e2)  // a new order each epoch
        #expect(Set(e1.joined()).count == 8)
        var again = try ImageLoader(images: set, batchSize: 4, shuffle: true, dropLast: true, normalization: nil, seed: 7)
        #expect(again.epoch() == e1)  // seeded
        let raw = try train.batch([3])
        #expect(raw.images.storage[0] == Float(30) / 255 && raw.images.storage[4] == Float(30) / 255)
    }

    @Test func loaderRefusesBadSettings() throws {
        let set = try Self.tinySet()
        #expect(throws: DataError.self) { try ImageLoader(images: set, batchSize: 0, shuffle: false, dropLast: false, normalization: nil) }
        #expect(throws: DataError.self) { try ImageLoader(images: set, batchSize: 11, shuffle: true, dropLast: true, normalization: nil) }
        // 2×2 → 1×1 would need fastai's area pre-shrink.
        #expect(throws: DataError.self) { try ImageLoader(images: set, batchSize: 2, shuffle: false, dropLast: false, size: 0, normalization: nil) }
        #expect(throws: DataError.self) { try Normalization(mean: [0], std: [0]) }
    }

    @Test func batchStatisticsAreChannelMeanAndUnbiasedStd() throws {
        let t = Tensor(shape: [2, 1, 1, 2], storage: [1, 2, 3, 4])
        let n = try Normalization.statistics(of: t)
        #expect(n.mean == [2.5])
        #expect(abs(n.std[0] - Float((5.0 / 3).squareRoot())) <= 1e-7)
        let set = try Self.tinySet()
        let loader = try ImageLoader(images: set, batchSize: 4, shuffle: true, dropLast: true, normalization: nil, seed: 1)
        let s = try loader.statisticsOfOneBatch()
        #expect(s.mean.count == 3 && s.mean[0] == s.mean[2])  // gray in every channel
    }

    @Test func resizeMatchesFastaisGridSample() throws {
        let r = try TrainingFixture.load().resize
        let up = try BilinearResize.resize(r.input, height: r.size_in, width: r.size_in, outHeight: r.size_out, outWidth: r.size_out)
        for (a, b) in zip(up, r.output) { #expect(abs(a - b) <= 1e-6) }
        let down = try BilinearResize.resize(
            r.input, height: r.size_in, width: r.size_in, outHeight: r.size_down, outWidth: r.size_down)
        for (a, b) in zip(down, r.output_down) { #expect(abs(a - b) <= 1e-6) }
        // align_corners: the corners are sampled exactly.
        #expect(up[0] == r.input[0] && up.last == r.input.last)
        // 6 → 2 is 3× smaller: fastai area-shrinks to floor(6·(1/1.5)) = 4 first (ImageGeometryTests checks the pixels).
        #expect(BilinearResize.areaShrinkSize(height: 6, width: 6, outHeight: 2, outWidth: 2)! == (4, 4))
        #expect(try BilinearResize.resize(r.input, height: 6, width: 6, outHeight: 2, outWidth: 2).count == 4)
    }

    @Test(.enabled(if: FashionMNIST.isAvailable(), "needs Debian's dataset-fashion-mnist (scripts/deps.sh installs it)"))
    func realFilesHaveTheDocumentedShape() throws {
        let data = try FashionMNIST(validSubset: 100)
        #expect(data.train.count == 60_000 && data.valid.count == 100)
        #expect(data.train.height == 28 && data.train.width == 28)
        // The README: 6,000 training images per class.
        var counts = [Int](repeating: 0, count: 10)
        for l in data.train.labels { counts[l] += 1 }
        #expect(counts == [Int](repeating: 6000, count: 10))
        #expect(FashionMNIST.classNames.count == 10 && FashionMNIST.classNames[9] == "Ankle boot")
        // numpy on the same files: the first labels, image 0's pixel sum and a row segment, the last image's sum.
        #expect(Array(data.train.labels.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        #expect(Array(data.valid.labels.prefix(10)) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        #expect(data.train.pixels[0..<784].reduce(0) { $0 + Int($1) } == 76247)
        #expect(Array(data.train.pixels[(14 * 28 + 10)..<(14 * 28 + 18)]) == [0, 0, 237, 226, 217, 223, 222, 219])
        #expect(data.train.pixels[(59_999 * 784)...].reduce(0) { $0 + Int($1) } == 16684)
        // batch_stats on the first 64 training images: torch gives mean 0.28796121, std 0.35595363.
        let raw = try ImageLoader(images: data.train, batchSize: 64, shuffle: false, dropLast: true, normalization: nil)
        let stats = try Normalization.statistics(of: raw.batch(Array(0..<64)).images)
        #expect(abs(stats.mean[0] - 0.2879612147808075) <= 1e-6 && abs(stats.std[1] - 0.3559536337852478) <= 1e-6)
        #expect(throws: DataError.self) { try FashionMNIST(validSubset: 10_001) }
        let loader = try ImageLoader(
            images: data.valid, batchSize: 8, shuffle: false, dropLast: false, size: 32, normalization: .imagenet)
        let b = try loader.batch([0, 1])
        #expect(b.images.shape == [2, 3, 32, 32])
    }
}
