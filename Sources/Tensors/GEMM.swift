import CBLAS

/// Matrix multiplication through a GEMM library. This is the only file that imports the BLAS.
///
/// Two libraries are linked and measured (docs/performance.md): OpenBLAS' `cblas_sgemm` and
/// oneDNN's `dnnl_sgemm` (`OneDNN.swift`). Both run single-threaded; `Parallel` spreads GEMMs over
/// the cores instead — several independent GEMMs side by side (Winograd's 16 or 36), or one large
/// GEMM cut into column or row slices (`parallelSgemm`). On this project's 2-core machine, two
/// single-threaded calls side by side beat OpenBLAS's own threading by 1.5–2× on the small matrices
/// a convolution makes, and oneDNN's kernels beat OpenBLAS's on most of the convolution shapes.
public enum GEMM {
    /// The GEMM libraries LearnerLens can use.
    public enum Library: String, Sendable, CaseIterable {
        case openblas, onednn
    }

    /// Pins OpenBLAS to one thread once per process, before its first call.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// `C = alpha · op(A) · op(B) + beta · C`, row-major, single precision, on the calling thread.
    /// `op(A)` is `m×k`, `op(B)` is `k×n`, `C` is `m×n`.
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, using library: Library = ExecutionOptions.current.gemm
    ) {
        if m == 0 || n == 0 { return }
        switch library {
        case .onednn:
            OneDNN.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc)
        case .openblas:
            _ = singleThreaded
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }

    /// A library with its build's own description, for benchmark reports.
    public static func configuration(of library: Library) -> String {
        switch library {
        case .onednn: return OneDNN.version
        case .openblas:
            guard let c = openblas_get_config() else { return "OpenBLAS" }
            return String(cString: c)
        }
    }
}
