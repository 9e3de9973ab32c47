import Foundation

/// Splits independent work across the machine's cores. Every multi-threaded part of a forward pass
/// goes through here — GEMMs included: the BLAS itself runs single-threaded (see `GEMM`), and
/// independent GEMMs (or slices of one) run side by side, which measured faster on small matrices
/// than letting the BLAS split each call (docs/performance.md).
public enum Parallel {
    nonisolated(unsafe) private static var configuredThreads = ProcessInfo.processInfo.activeProcessorCount

    /// How many threads the numeric kernels use (default: the active processor count).
    /// Set it before running a model, not while one runs.
    public static var threads: Int {
        get { configuredThreads }
        set { configuredThreads = max(1, newValue) }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, in parallel when the work is large enough.
    /// Callers guarantee that iterations write disjoint memory.
    static func forEach(_ count: Int, work: Int, _ body: (Int) -> Void) {
        if count <= 1 || count * work < 65_536 || threads == 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            // Iterations touch disjoint memory, which is what makes sharing the closure safe.
            let shared = unsafeBitCast(escapable, to: (@Sendable (Int) -> Void).self)
            if threads >= ProcessInfo.processInfo.activeProcessorCount {
                DispatchQueue.concurrentPerform(iterations: count, execute: shared)
            } else {
                // Fewer threads than cores: `threads` workers take interleaved iterations.
                let width = threads
                DispatchQueue.concurrentPerform(iterations: width) { worker in
                    for i in stride(from: worker, to: count, by: width) { shared(i) }
                }
            }
        }
    }

    /// Splits `0..<count` into a few contiguous ranges and runs them in parallel (elementwise passes).
    static func chunks(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = count < 65_536 ? 1 : 8
        let size = (count + parts - 1) / max(1, parts)
        forEach(parts, work: size) { p in
            let range = (p * size)..<min(count, (p + 1) * size)
            if !range.isEmpty { body(range) }
        }
    }

    /// Splits `0..<count` into one contiguous range per thread and runs them in parallel; for work
    /// whose ranges each need their own scratch memory.
    static func ranges(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(threads, count))
        let size = (count + parts - 1) / parts
        forEach(parts, work: .max / parts) { p in
            let range = (p * size)..<min(count, (p + 1) * size)
            if !range.isEmpty { body(range) }
        }
    }
}
