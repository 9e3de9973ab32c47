import Foundation

/// Scratch memory for the kernels, reused between calls instead of allocated each time.
///
/// Large allocations come straight from the operating system as fresh pages, and touching fresh
/// pages costs a fault each: for a convolution's multi-megabyte Winograd or im2col buffers that was
/// about a millisecond per layer. The pool keeps a few freed buffers and hands the smallest one that
/// fits to the next caller; it is thread-safe, so parallel callers each get their own buffer.
enum Workspace {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pool: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    /// How many idle buffers are kept, and how many floats in all (128 MB): above that the
    /// smallest go back to the system, so a large batch cannot pin its scratch memory for good.
    private static let kept = 6
    private static let keptFloats = 32 << 20

    /// Runs `body` with a buffer of at least `count` floats (uninitialised).
    static func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = borrow(count)
        defer { giveBack(buffer) }
        return try body(buffer.pointer)
    }

    private static func borrow(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let needed = max(1, count)
        lock.lock()
        let fit = pool.indices.filter { pool[$0].capacity >= needed }.min { pool[$0].capacity < pool[$1].capacity }
        let found = fit.map { pool.remove(at: $0) }
        lock.unlock()
        return found ?? (UnsafeMutablePointer<Float>.allocate(capacity: needed), needed)
    }

    private static func giveBack(_ buffer: (pointer: UnsafeMutablePointer<Float>, capacity: Int)) {
        lock.lock()
        pool.append(buffer)
        var evicted: [UnsafeMutablePointer<Float>] = []
        // The largest buffers that fit both limits stay; the rest are freed.
        pool.sort { $0.capacity > $1.capacity }
        var total = 0
        var staying: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
        for buffer in pool {
            if staying.count < kept && total + buffer.capacity <= keptFloats {
                staying.append(buffer)
                total += buffer.capacity
            } else {
                evicted.append(buffer.pointer)
            }
        }
        pool = staying
        lock.unlock()
        for p in evicted { p.deallocate() }
    }
}
