import Foundation
import Tensors
import Testing

@testable import Fastai

/// `BatchPrefetcher`'s bound: however slow the reader, at most `workers` batches are made beyond those taken.
@Suite struct BatchPrefetcherBoundTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var made = 0
        func add() { lock.withLock { made += 1 } }
        var value: Int { lock.withLock { made } }
    }

    static func batch(_ i: Int) -> ImageBatch {
        ImageBatch(images: Tensor(shape: [1, 1], storage: [Float(i)]), labels: [i], indices: [i])
    }

    @Test(arguments: [1, 2, 3])
    func neverMoreThanWorkersAhead(_ workers: Int) throws {
        let counter = Counter()
        let stream = BatchPrefetcher.stream(count: 12, workers: workers) { i in
            counter.add()
            return Self.batch(i)
        }
        var taken = 0
        while let b = try stream.next() {
            #expect(b.labels == [taken])  // in order
            taken += 1
            Thread.sleep(forTimeInterval: 0.02)  // a slow training step: the workers run ahead as far as allowed
            #expect(counter.value <= taken + workers, "made \(counter.value) with \(taken) taken")
        }
        #expect(taken == 12 && counter.value == 12)
    }
}
