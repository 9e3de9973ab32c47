import CDNNL
import Foundation

/// oneDNN's `dnnl_sgemm` (row-major, like our tensors). This is the only file that imports oneDNN.
///
/// Debian builds oneDNN with OpenMP, whose team size is a per-thread setting that starts at the
/// core count: each call first sets the calling thread's to 1 (libgomp's `omp_set_num_threads`,
/// found at run time in the libgomp that libdnnl loads), because `Parallel` already runs one GEMM
/// per core.
enum OneDNN {
    private static let setOpenMPThreads: (@convention(c) (Int32) -> Void)? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "omp_set_num_threads") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Void).self)
    }()

    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        setOpenMPThreads?(1)
        let (ta, tb) = (CChar(UInt8(ascii: transposeA ? "T" : "N")), CChar(UInt8(ascii: transposeB ? "T" : "N")))
        _ = dnnl_sgemm(ta, tb, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
    }

    /// "oneDNN 2.7.3 sgemm".
    static var version: String {
        guard let v = dnnl_version() else { return "oneDNN sgemm" }
        return "oneDNN \(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch) sgemm"
    }
}
