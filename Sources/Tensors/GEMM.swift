import CBLAS

/// Matrix multiplication through the system BLAS. This is the only file that imports it.
///
/// The BLAS runs single-threaded; `Parallel` spreads GEMMs over the cores instead — several
/// independent GEMMs side by side (Winograd's 16 or 36), or one large GEMM cut into column or row
/// slices (`parallelSgemm`). Measured on this project's 2-core machine, two single-threaded calls
/// side by side beat OpenBLAS's own threading by 1.5–2× on the small matrices a convolution makes.
public enum GEMM {
    /// Pins the BLAS to one thread once per process, before its first call.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// `C = alpha · op(A) · op(B) + beta · C`, row-major, single precision, on the calling thread.
    /// `op(A)` is `m×k`, `op(B)` is `k×n`, `C` is `m×n`.
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        prepare()
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @usableFromInline static func prepare() { _ = singleThreaded }

    /// The BLAS build's own description (core type and threading), for benchmark reports.
    public static var configuration: String {
        guard let c = openblas_get_config() else { return "unknown BLAS" }
        return String(cString: c)
    }
}
