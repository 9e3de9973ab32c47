import Dispatch
import Synchronization
import Testing

@testable import Tensors

/// `Parallel.forEach` over the worker pool: every iteration runs exactly once, whoever calls it,
/// however often, and from inside another region.
@Suite struct ParallelTests {
    /// Counts how often each index ran; large `work` so that the pool is used.
    static func tally(_ count: Int) -> [Int] {
        let hits = Mutex([Int](repeating: 0, count: count))
        Parallel.forEach(count, work: 1 << 20) { i in hits.withLock { $0[i] += 1 } }
        return hits.withLock { $0 }
    }

    @Test func everyIterationRunsOnce() {
        for count in [2, 3, 7, 64, 1000] {
            for _ in 0..<50 { #expect(Self.tally(count) == Array(repeating: 1, count: count)) }
        }
    }

    @Test func callersOnSeveralThreadsShareThePool() {
        // Eight threads open regions at once: one gets the pool, the others fall back to Dispatch.
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { caller in
            for round in 0..<200 {
                let count = 2 + (caller + round) % 30
                if Self.tally(count) != Array(repeating: 1, count: count) { failures.wrappingAdd(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test func aRegionInsideARegion() {
        let hits = Mutex([Int](repeating: 0, count: 16 * 16))
        Parallel.forEach(16, work: 1 << 20) { outer in
            Parallel.forEach(16, work: 1 << 20) { inner in hits.withLock { $0[outer * 16 + inner] += 1 } }
        }
        #expect(hits.withLock { $0 } == Array(repeating: 1, count: 16 * 16))
    }

    @Test func rangesCoverTheCountWithoutOverlap() {
        for count in [1, 2, 5, 97] {
            let hits = Mutex([Int](repeating: 0, count: count))
            Parallel.ranges(count) { range in hits.withLock { for i in range { $0[i] += 1 } } }
            #expect(hits.withLock { $0 } == Array(repeating: 1, count: count))
        }
    }
}
