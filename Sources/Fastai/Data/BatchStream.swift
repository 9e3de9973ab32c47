/// One epoch of batches, read in order with `next()`. A loader may make them ahead on other threads
/// (`BatchPrefetcher`); dropping the stream early (lr_find's stop) stops that work.
public final class BatchStream {
    /// Batches in the epoch.
    public let count: Int
    private let produce: () throws -> ImageBatch?
    private let finish: () -> Void

    /// A stream of `count` batches; `produce` gives the next one (nil after the last) and `finish` is called
    /// once when the stream is dropped.
    public init(count: Int, produce: @escaping () throws -> ImageBatch?, finish: @escaping () -> Void = {}) {
        self.count = count
        self.produce = produce
        self.finish = finish
    }

    /// A stream making batch `i` with `make(i)` on the reader's thread.
    public convenience init(count: Int, inline make: @escaping (Int) throws -> ImageBatch) {
        var next = 0
        self.init(
            count: count,
            produce: {
                guard next < count else { return nil }
                defer { next += 1 }
                return try make(next)
            })
    }

    deinit { finish() }

    /// The next batch, or nil when the epoch is over. A batch that failed to load throws here, in order.
    public func next() throws -> ImageBatch? { try produce() }
}
