extension GEMM {
    /// `C = A · B` (no transposes) cut into one slice per thread: column slices when `C` is wide,
    /// row slices when it is tall. Every slice is an ordinary single-threaded GEMM, followed by
    /// `finishing(rows, columns)` for the block of C it wrote, while that block is in cache.
    static func parallelSgemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, finishing: ((Range<Int>, Range<Int>) -> Void)? = nil
    ) {
        let threads = ExecutionOptions.current.threads
        // Below ~1 MFLOP a slice costs more in hand-over than it saves.
        if threads == 1 || m * n * k < 1 << 19 {
            sgemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            finishing?(0..<m, 0..<n)
            return
        }
        // One slice per thread, each a multiple of 16 wide or tall (the BLAS kernels' natural
        // block) except the last.
        let wide = n >= m
        let extent = wide ? n : m
        let step = ((extent + threads - 1) / threads + 15) / 16 * 16
        let parts = (extent + step - 1) / step
        Parallel.forEach(parts, work: .max / parts) { p in
            let lo = p * step, count = min(extent, lo + step) - lo
            if wide {
                sgemm(m: m, n: count, k: k, a: a, lda: lda, b: b + lo, ldb: ldb, c: c + lo, ldc: ldc)
                finishing?(0..<m, lo..<(lo + count))
            } else {
                sgemm(m: count, n: n, k: k, a: a + lo * lda, lda: lda, b: b, ldb: ldb, c: c + lo * ldc, ldc: ldc)
                finishing?(lo..<(lo + count), 0..<n)
            }
        }
    }

    /// `C[m×n] = A[m×k] · B[n×k]ᵀ` (all dense, row-major) cut into column slices, one per thread.
    static func parallelSgemmTransposedB(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        let threads = ExecutionOptions.current.threads
        if threads == 1 || m * n * k < 1 << 19 {
            sgemm(transposeB: true, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: c, ldc: n)
            return
        }
        let step = ((n + threads - 1) / threads + 15) / 16 * 16
        let parts = (n + step - 1) / step
        Parallel.forEach(parts, work: .max / parts) { p in
            let lo = p * step, count = min(n, lo + step) - lo
            sgemm(transposeB: true, m: m, n: count, k: k, a: a, lda: k, b: b + lo * k, ldb: k, c: c + lo, ldc: n)
        }
    }
}
