import CBLAS

/// Matrix multiplication through the system BLAS. This is the only file that imports it.
public enum GEMM {
    /// `C = alpha · op(A) · op(B) + beta · C`, row-major, single precision.
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
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// How many threads the BLAS uses.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The BLAS build's own description (core type and threading), for benchmark reports.
    public static var configuration: String {
        guard let c = openblas_get_config() else { return "unknown BLAS" }
        return String(cString: c)
    }
}
