import Foundation
import Synchronization
import Testing

@testable import Tensors

/// Execution options are values bound per call: kernels and every worker thread of a region see
/// the caller's, and two callers with different options do not disturb each other.
@Suite struct ExecutionOptionsTests {
    @Test func defaultsOutsideAnyRun() {
        let o = ExecutionOptions.current
        #expect(o.fastPaths && o.gemm == .onednn && o.threads == ProcessInfo.processInfo.activeProcessorCount)
        #expect(ExecutionOptions(threads: 0).threads == 1)
    }

    @Test func workersSeeTheCallersOptions() {
        let wanted = ExecutionOptions(fastPaths: false, gemm: .openblas, threads: 2)
        let seen = Mutex<[ExecutionOptions]>([])
        wanted.run {
            Parallel.forEach(16, work: 1 << 20) { _ in
                let o = ExecutionOptions.current
                seen.withLock { $0.append(o) }
            }
        }
        let all = seen.withLock { $0 }
        #expect(all.count == 16)
        #expect(all.allSatisfy { $0 == wanted })
        #expect(ExecutionOptions.current == ExecutionOptions())
    }

    @Test func theReferencePathSkipsWinograd() throws {
        var g = RandomGenerator(seed: 3)
        let kernel = try ConvKernel(weight: Tensor.normal([16, 16, 3, 3], generator: &g), bias: nil, ConvGeometry(kernel: (3, 3), padding: (1, 1)))
        #expect(kernel.algorithm(for: [1, 16, 32, 32]) == .winograd(.f2))
        #expect(ExecutionOptions.reference.run { kernel.algorithm(for: [1, 16, 32, 32]) } == .im2col)
    }

    /// Two threads run the same convolution at the same time, one on each path and library; each
    /// gets its own path's result (Winograd's rounding differs from im2col's, so they can tell).
    @Test func concurrentCallersKeepTheirOwnOptions() throws {
        var g = RandomGenerator(seed: 4)
        let x = Tensor.normal([2, 32, 24, 24], generator: &g)
        let weight = Tensor.normal([32, 32, 3, 3], generator: &g).scaled(by: 0.1)
        let geometry = ConvGeometry(kernel: (3, 3), padding: (1, 1))
        let kernel = try ConvKernel(weight: weight, bias: nil, geometry)
        let fast = ExecutionOptions(fastPaths: true, gemm: .onednn)
        let reference = ExecutionOptions(fastPaths: false, gemm: .openblas)
        let expectedFast = try fast.run { try kernel(x) }
        let expectedReference = try reference.run { try kernel(x) }
        #expect(expectedFast != expectedReference)
        let results = Mutex<[Int: [Tensor]]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let options = i == 0 ? fast : reference
            // A kernel caches its transformed weights, so each thread has its own (as each model would).
            let own = try? ConvKernel(weight: weight, bias: nil, geometry)
            for _ in 0..<10 {
                let y = try? options.run { try own?(x) }
                results.withLock { $0[i, default: []].append(y ?? Tensor.zeros([1])) }
            }
        }
        let all = results.withLock { $0 }
        #expect(all[0]?.allSatisfy { $0 == expectedFast } == true)
        #expect(all[1]?.allSatisfy { $0 == expectedReference } == true)
    }

    /// Results do not depend on the thread count: work is never split inside a sum.
    @Test(arguments: GEMM.Library.allCases)
    func oneThreadAndTwoGiveTheSameBits(_ library: GEMM.Library) throws {
        var g = RandomGenerator(seed: 5)
        let x = Tensor.normal([2, 16, 28, 28], generator: &g)
        let kernel = try ConvKernel(weight: Tensor.normal([24, 16, 3, 3], generator: &g), bias: nil, ConvGeometry(kernel: (3, 3), padding: (1, 1)))
        let one = try ExecutionOptions(gemm: library, threads: 1).run { try kernel(x) }
        let two = try ExecutionOptions(gemm: library, threads: 2).run { try kernel(x) }
        #expect(one == two)
    }
}
