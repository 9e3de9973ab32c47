import Foundation
import Synchronization

/// Splits independent work across the machine's cores. Every multi-threaded part of a forward pass
/// goes through here — GEMMs included: the BLAS itself runs single-threaded (see `GEMM`), and
/// independent GEMMs (or slices of one) run side by side, which measured faster on small matrices
/// than letting the BLAS split each call (docs/performance.md).
public enum Parallel {
    /// Runs `body(i)` for every `i` in `0..<count`, in parallel when the work is large enough, on
    /// up to `ExecutionOptions.current.threads` threads. Callers guarantee that iterations write
    /// disjoint memory. Which thread runs an iteration varies; what it computes does not. The
    /// caller's options are captured once and are in force on every thread that takes part.
    static func forEach(_ count: Int, work: Int, _ body: (Int) -> Void) {
        let options = ExecutionOptions.current
        let width = min(options.threads, count)
        if count <= 1 || count * work < 65_536 || width <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            // Iterations touch disjoint memory, which is what makes sharing the closure safe.
            let shared = unsafeBitCast(escapable, to: (@Sendable (Int) -> Void).self)
            if WorkerPool.shared.run(count, helpers: width - 1, options: options, shared) { return }
            // The pool is running another region (a nested call, or another thread's): Dispatch's.
            DispatchQueue.concurrentPerform(iterations: width) { worker in
                options.run {
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
        let parts = max(1, min(ExecutionOptions.current.threads, count))
        let size = (count + parts - 1) / parts
        forEach(parts, work: .max / parts) { p in
            let range = (p * size)..<min(count, (p + 1) * size)
            if !range.isEmpty { body(range) }
        }
    }
}

/// The threads behind `Parallel.forEach`: one fewer than the cores, started on first use, kept
/// for the process.
///
/// A forward pass opens a parallel region every few hundred microseconds (about a hundred per
/// resnet34 image). Waking a sleeping thread for each cost about 20 µs on this project's machines —
/// a few per cent of a batch-1 forward pass — so between regions the workers first wait awake,
/// yielding the core to anything else runnable, for `awakeNanoseconds`, and only then sleep on a
/// condition variable. The calling thread takes iterations too; iterations are claimed one at a
/// time from a shared counter, so a late worker simply finds less to do.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(workers: ProcessInfo.processInfo.activeProcessorCount - 1)

    /// How long an idle worker stays awake after a region.
    static let awakeNanoseconds: UInt64 = 2_000_000

    /// One region: the body, how many iterations, the next unclaimed one, how many are finished.
    private final class Job: @unchecked Sendable {
        let body: @Sendable (Int) -> Void
        let count: Int
        let options: ExecutionOptions
        let next = Atomic<Int>(0)
        let finished = Atomic<Int>(0)

        init(count: Int, options: ExecutionOptions, body: @escaping @Sendable (Int) -> Void) {
            self.count = count
            self.options = options
            self.body = body
        }

        /// Claims and runs iterations until none are left, with the caller's options in force.
        func work() {
            options.run {
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < count else { return }
                    body(i)
                    finished.wrappingAdd(1, ordering: .releasing)
                }
            }
        }
    }

    private let workers: Int
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var generation = 0
    private var job: Job?
    private var seats = 0  // workers that may still join the current job
    /// `generation`, readable without the lock while a worker waits awake.
    private let published = Atomic<Int>(0)
    /// Workers holding a reference to the current job.
    private let holders = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private var started = false

    private init(workers: Int) {
        self.workers = max(0, workers)
    }

    /// Runs `body` for `0..<count` on the calling thread and up to `helpers` workers; returns false
    /// without running anything when the pool is already running a region.
    func run(_ count: Int, helpers: Int, options: ExecutionOptions, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
        guard workers > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        if !started {
            started = true
            for _ in 0..<workers { Thread.detachNewThread { [self] in loop() } }
        }
        runJob(count, helpers: min(helpers, workers), options: options, body)
        return true
    }

    /// Publishes the job, works on it, waits for the iterations in flight and for every worker to
    /// let go of it — after which nothing refers to `body` any more.
    @inline(never)
    private func runJob(_ count: Int, helpers: Int, options: ExecutionOptions, _ body: @escaping @Sendable (Int) -> Void) {
        let job = Job(count: count, options: options, body: body)
        condition.lock()
        generation += 1
        self.job = job
        seats = helpers
        published.store(generation, ordering: .releasing)
        condition.broadcast()
        condition.unlock()
        job.work()
        WorkerPool.wait { job.finished.load(ordering: .acquiring) == count }
        condition.lock()
        self.job = nil
        condition.unlock()
        WorkerPool.wait { holders.load(ordering: .acquiring) == 0 }
    }

    private func loop() {
        var seen = 0
        while true {
            let deadline = DispatchTime.now().uptimeNanoseconds + WorkerPool.awakeNanoseconds
            var spins = 0
            while published.load(ordering: .acquiring) == seen {
                spins += 1
                if spins % 64 == 0 {
                    if DispatchTime.now().uptimeNanoseconds > deadline { break }
                    sched_yield()
                }
            }
            seen = take(after: seen)
        }
    }

    /// Waits (asleep) for a generation after `seen`, works on its job if a seat is left, and
    /// returns that generation. The job reference ends with this call, before `holders` drops.
    @inline(never)
    private func take(after seen: Int) -> Int {
        condition.lock()
        while generation == seen { condition.wait() }
        let current = generation
        var mine: Job? = nil
        if let job, seats > 0 {
            seats -= 1
            holders.wrappingAdd(1, ordering: .relaxed)
            mine = job
        }
        condition.unlock()
        if mine != nil {
            mine?.work()
            mine = nil
            holders.wrappingSubtract(1, ordering: .releasing)
        }
        return current
    }

    /// Spins (yielding the core) until `done()`; the waits are a few microseconds long.
    @inline(__always)
    private static func wait(until done: () -> Bool) {
        var spins = 0
        while !done() {
            spins += 1
            if spins % 64 == 0 { sched_yield() }
        }
    }
}
