extension GEMM {
    /// `C = A · B` (no transposes) cut into one slice per thread: column slices when `C` is wide,
    /// row slices when it is tall. Every slice is an ordinary single-threaded GEMM.
    static func parallelSgemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let threads = Parallel.threads
        // Below ~1 MFLOP a slice costs more in hand-over than it saves.
        if threads == 1 || m * n * k < 1 << 19 {
            sgemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            return
        }
        // Slices stay multiples of 16 wide/tall, the BLAS kernels' natural block.
        if n >= m {
            let width = ((n + threads - 1) / threads + 15) / 16 * 16
            Parallel.ranges(n, minimum: width) { cols in
                sgemm(m: m, n: cols.count, k: k, a: a, lda: lda, b: b + cols.lowerBound, ldb: ldb, c: c + cols.lowerBound, ldc: ldc)
            }
        } else {
            let height = ((m + threads - 1) / threads + 15) / 16 * 16
            Parallel.ranges(m, minimum: height) { rows in
                sgemm(
                    m: rows.count, n: n, k: k, a: a + rows.lowerBound * lda, lda: lda, b: b, ldb: ldb,
                    c: c + rows.lowerBound * ldc, ldc: ldc)
            }
        }
    }
}
