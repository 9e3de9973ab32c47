import Foundation

/// How the numeric kernels run: fast paths or the reference path, which GEMM library, how many
/// threads. A value, not a process-wide switch, so two callers (or two tests) can run the same
/// model differently at the same time.
///
/// A caller binds options for a stretch of work with `run(_:)`; kernels read `current` once per
/// call, and `Parallel` hands the caller's value to the worker threads that take part in a
/// region. Outside any `run(_:)` the defaults apply: fast paths, oneDNN, every core.
public struct ExecutionOptions: Sendable, Equatable, CustomStringConvertible {
    /// Winograd, eval-mode BatchNorm folding and fused epilogues. Off, every convolution is
    /// im2col + GEMM and every layer runs on its own: the reference path fast paths are checked against.
    public var fastPaths: Bool
    /// The library every GEMM goes to.
    public var gemm: GEMM.Library
    /// How many threads the kernels spread work over (at least 1).
    public var threads: Int {
        didSet { threads = max(1, threads) }
    }

    /// Defaults: fast paths, oneDNN, the active processor count.
    public init(
        fastPaths: Bool = true, gemm: GEMM.Library = .onednn,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.fastPaths = fastPaths
        self.gemm = gemm
        self.threads = max(1, threads)
    }

    /// The reference path: no fast paths, oneDNN, every core.
    public static let reference = ExecutionOptions(fastPaths: false)

    /// Every combination of fast/reference path and GEMM library, for tests that check all of them.
    public static var allPaths: [ExecutionOptions] {
        [true, false].flatMap { fast in GEMM.Library.allCases.map { ExecutionOptions(fastPaths: fast, gemm: $0) } }
    }

    /// The options in force on this thread (or task).
    @TaskLocal public static var current = ExecutionOptions()

    /// Runs `body` with these options in force on this thread and on every worker it uses.
    public func run<R>(_ body: () throws -> R) rethrows -> R {
        try ExecutionOptions.$current.withValue(self) { try body() }
    }

    public var description: String {
        "\(fastPaths ? "fast paths" : "reference path"), \(gemm.rawValue), \(threads) thread\(threads == 1 ? "" : "s")"
    }
}

extension Tensor {
    /// max |self − reference| / max |reference|: how far a fast path strays from the reference.
    public func maxRelativeDifference(from reference: Tensor) -> Float {
        guard shape == reference.shape else { return .infinity }
        var worst: Float = 0
        for (a, b) in zip(storage, reference.storage) {
            if a.isNaN || b.isNaN {
                // NaN where the reference has a number (or the reverse) is the largest difference there is.
                if a.isNaN != b.isNaN { return .infinity }
                continue
            }
            worst = Swift.max(worst, abs(a - b))
        }
        return worst / Swift.max(reference.maxAbs, .leastNormalMagnitude)
    }
}
