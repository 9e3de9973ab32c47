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
}
