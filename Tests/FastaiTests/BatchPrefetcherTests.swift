import Fastai
import Foundation
import Tensors
import Testing

/// `ImageFileLoader.makeEpoch`: the same batches whatever the number of workers, and never more than
/// `workers` batches made ahead of the reader.
@Suite struct BatchPrefetcherTests {
    static func loader(workers: Int, transforms: Bool) throws -> ImageFileLoader {
        let folder = try ImageFixture.folder()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.contains("16") }.sorted()
        let items = names.enumerated().map { i, n in LabelledImage(path: folder.appendingPathComponent(n).path, label: i % 2 == 0 ? "a" : "b") }
        var loader = try ImageFileLoader(
            items: items, labels: items.indices.map { $0 % 2 }, batchSize: 3, shuffle: true, dropLast: true, size: 8,
            normalization: .imagenet, seed: 11)
        loader.transforms = transforms
        loader.workers = workers
        return loader
    }

    static func batches(_ loader: inout ImageFileLoader, epochs: Int) throws -> [ImageBatch] {
        var all: [ImageBatch] = []
        for _ in 0..<epochs {
            let stream = loader.makeEpoch()
            while let b = try stream.next() { all.append(b) }
        }
        return all
    }

    @Test func workersDoNotChangeTheBatches() throws {
        var inline = try Self.loader(workers: 0, transforms: true)
        let reference = try Self.batches(&inline, epochs: 2)
        #expect(reference.count == 2 * inline.batchCount && inline.batchCount >= 3)
        #expect(reference[0].indices != reference[inline.batchCount].indices)  // a new shuffle each epoch
        for workers in [1, 2, 3] {
            var loader = try Self.loader(workers: workers, transforms: true)
            #expect(try Self.batches(&loader, epochs: 2) == reference, "workers \(workers)")
        }
        // The augmentation is really on: the same epoch without it differs.
        var plain = try Self.loader(workers: 1, transforms: false)
        let unaugmented = try Self.batches(&plain, epochs: 1)
        #expect(unaugmented.map(\.indices) == reference.prefix(inline.batchCount).map(\.indices))
        #expect(unaugmented.map(\.images) != reference.prefix(inline.batchCount).map(\.images))
    }

    @Test func anEarlyStopLeavesNothingRunning() throws {
        var loader = try Self.loader(workers: 2, transforms: true)
        do {
            let stream = loader.makeEpoch()
            _ = try stream.next()
        }
        // The next epoch after an abandoned one is still served whole and in order.
        let stream = loader.makeEpoch()
        var n = 0
        while try stream.next() != nil { n += 1 }
        #expect(n == stream.count)
    }

    @Test func aBadFileThrowsAtItsBatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-prefetch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("broken.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: bad)
        var loader = try Self.loader(workers: 2, transforms: false)
        let good = loader.items
        loader = try ImageFileLoader(
            items: good + [LabelledImage(path: bad.path, label: "a")], labels: Array(loader.labels) + [0], batchSize: 4, shuffle: false,
            dropLast: false, size: 8, normalization: nil)
        let stream = loader.makeEpoch()
        var served = 0
        #expect(throws: DataError.self) {
            while try stream.next() != nil { served += 1 }
        }
        #expect(served == (good.count) / 4)  // every batch before the broken file's
    }
}
