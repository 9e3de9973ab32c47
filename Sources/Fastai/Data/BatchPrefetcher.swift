import Foundation

/// Makes an epoch's batches ahead of the training loop on `workers` threads of their own (fastai's
/// `DataLoader(num_workers=…)`), handing them over in order.
///
/// Worker `w` makes batches `w, w + workers, w + 2·workers, …`, and starts batch `j` only once the reader has
/// taken batch `j − workers`: at most `workers` batches are decoded or being decoded beyond the one the
/// reader holds, whatever the folder's size. Each batch is a pure function of its index (the epoch's
/// random draws were made before), so the batches are the same for any number of workers.
final class BatchPrefetcher: @unchecked Sendable {
    // All mutable state below is guarded by `condition`.
    private let condition = NSCondition()
    private var ready: [Int: Result<ImageBatch, any Error>] = [:]
    private var taken = 0
    private var cancelled = false
    private let count: Int
    private let workers: Int
    private let make: @Sendable (Int) throws -> ImageBatch

    /// A stream of `count` batches, `make(i)` giving batch i: on the reader's thread when `workers` is 0,
    /// otherwise on `workers` threads, at most `workers` batches ahead.
    static func stream(count: Int, workers: Int, make: @escaping @Sendable (Int) throws -> ImageBatch) -> BatchStream {
        guard workers >= 1, count > 0 else { return BatchStream(count: count, inline: make) }
        let prefetcher = BatchPrefetcher(count: count, workers: min(workers, count), make: make)
        prefetcher.start()
        return BatchStream(count: count, produce: { try prefetcher.next() }, finish: { prefetcher.cancel() })
    }

    private init(count: Int, workers: Int, make: @escaping @Sendable (Int) throws -> ImageBatch) {
        self.count = count
        self.workers = workers
        self.make = make
    }

    private func start() {
        for w in 0..<workers {
            let thread = Thread { [self] in work(from: w) }
            thread.name = "learnerlens-data-\(w)"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    private func work(from first: Int) {
        var j = first
        while j < count {
            condition.lock()
            while !cancelled && j >= taken + workers { condition.wait() }
            let stop = cancelled
            condition.unlock()
            if stop { return }
            let result: Result<ImageBatch, any Error>
            do { result = .success(try make(j)) } catch { result = .failure(error) }
            condition.lock()
            if !cancelled { ready[j] = result }
            condition.broadcast()
            condition.unlock()
            j += workers
        }
    }

    /// The next batch in order, waiting for it if a worker is still making it; nil after the last.
    private func next() throws -> ImageBatch? {
        condition.lock()
        defer { condition.unlock() }
        guard taken < count, !cancelled else { return nil }
        while true {
            if let result = ready.removeValue(forKey: taken) {
                taken += 1
                condition.broadcast()
                return try result.get()
            }
            condition.wait()
        }
    }

    /// Stops the workers after the batch each is making and drops what was made.
    private func cancel() {
        condition.lock()
        cancelled = true
        ready.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
