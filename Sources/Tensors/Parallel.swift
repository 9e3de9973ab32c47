import Dispatch

/// Splits independent work across the machine's cores (the non-GEMM parts of a layer).
enum Parallel {
    /// Runs `body(i)` for every `i` in `0..<count`, in parallel when the work is large enough.
    /// Callers guarantee that iterations write disjoint memory.
    static func forEach(_ count: Int, work: Int, _ body: (Int) -> Void) {
        if count <= 1 || count * work < 65_536 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            // Iterations touch disjoint memory, which is what makes sharing the closure safe.
            let shared = unsafeBitCast(escapable, to: (@Sendable (Int) -> Void).self)
            DispatchQueue.concurrentPerform(iterations: count, execute: shared)
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
}
