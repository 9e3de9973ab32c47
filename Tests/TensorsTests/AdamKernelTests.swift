import Testing

@testable import Tensors

/// The Adam step's vector loop does the scalar loop's operations lane by lane: the same bits.
@Suite struct AdamKernelTests {
    @Test(arguments: [Float(0), 0.01])
    func vectorLanesMatchTheScalarLoop(l2: Float) {
        let count = 37  // four vectors of eight and a scalar tail of five
        let constants = AdamKernel.Constants(
            decay: 0.9997, l2: l2, w: 0.1, b2: 0.99, oneMinusB2: 0.01, stepSize: -0.003 / 0.271, bc2Sqrt: 0.0995, eps: 1e-5)
        let p = randomTensor([count], seed: 1).storage, g = randomTensor([count], seed: 2).storage
        let m = randomTensor([count], seed: 3).storage.map { $0 * 0.1 }, v = randomTensor([count], seed: 4).storage.map { $0 * $0 }
        var (vp, vm, vv) = (p, m, v)
        vp.withUnsafeMutableBufferPointer { pb in
            vm.withUnsafeMutableBufferPointer { mb in
                vv.withUnsafeMutableBufferPointer { vb in
                    AdamKernel.step(pb.baseAddress!, g, mb.baseAddress!, vb.baseAddress!, count: count, constants)
                }
            }
        }
        // One element at a time: the scalar loop only.
        var (sp, sm, sv) = (p, m, v)
        for j in 0..<count {
            sp.withUnsafeMutableBufferPointer { pb in
                sm.withUnsafeMutableBufferPointer { mb in
                    sv.withUnsafeMutableBufferPointer { vb in
                        g.withUnsafeBufferPointer { gb in
                            AdamKernel.step(pb.baseAddress! + j, gb.baseAddress! + j, mb.baseAddress! + j, vb.baseAddress! + j, count: 1, constants)
                        }
                    }
                }
            }
        }
        #expect(vp == sp)
        #expect(vm == sm)
        #expect(vv == sv)
        #expect(vp != p)
    }
}
