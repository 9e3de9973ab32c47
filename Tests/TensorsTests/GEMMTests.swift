import Tensors
import Testing

/// Both GEMM libraries, every transpose combination, alpha and beta, against a triple loop.
@Suite struct GEMMTests {
    @Test(arguments: GEMM.Library.allCases, [(false, false), (true, false), (false, true), (true, true)])
    func sgemmMatchesLoops(_ library: GEMM.Library, _ transposes: (Bool, Bool)) {
        let (m, n, k) = (7, 33, 19)
        var g = RandomGenerator(seed: 12)
        let a = Tensor.normal([m * k], generator: &g).storage, b = Tensor.normal([k * n], generator: &g).storage
        let c0 = Tensor.normal([m * n], generator: &g).storage
        let (ta, tb) = transposes
        var c = c0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    GEMM.sgemm(
                        transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress!, lda: ta ? m : k,
                        b: bp.baseAddress!, ldb: tb ? k : n, beta: 2, c: cp.baseAddress!, ldc: n, using: library)
                }
            }
        }
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]) }
                worst = max(worst, abs(c[i * n + j] - (0.5 * sum + 2 * c0[i * n + j])))
            }
        }
        #expect(worst < 1e-4)
    }
}
