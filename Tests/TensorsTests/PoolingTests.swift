import Tensors
import Testing

@Suite struct PoolingTests {
    let ramp = Tensor(shape: [1, 1, 4, 4], storage: (0..<16).map(Float.init))

    @Test(arguments: [
        PoolGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        PoolGeometry(kernel: (2, 2)),
        PoolGeometry(kernel: (3, 3), stride: (2, 2), ceilMode: true),
        PoolGeometry(kernel: (3, 2), stride: (1, 2), padding: (1, 1), ceilMode: true),
    ])
    func maxPoolMatchesWindowLoopsNaNIncluded(_ g: PoolGeometry) throws {
        var gen = RandomGenerator(seed: 11)
        var x = Tensor.normal([2, 3, 11, 9], generator: &gen)
        x.withUnsafeMutableBufferPointer { values in
            values[10] = .nan  // row 1, column 1: inside a window of every geometry here
            values[5 * 99 + 40] = -.infinity
        }
        let fast = try Tensor.maxPool2d(x, g)
        // The window as PyTorch defines it, one output at a time.
        let (h, w) = (11, 9)
        let (oh, ow) = (fast.shape[2], fast.shape[3])
        for plane in 0..<6 {
            for r in 0..<oh {
                for q in 0..<ow {
                    var best = -Float.infinity
                    for i in 0..<g.kernel.0 {
                        for j in 0..<g.kernel.1 {
                            let ih = r * g.stride.0 - g.padding.0 + i, iw = q * g.stride.1 - g.padding.1 + j
                            guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                            let v = x.storage[plane * h * w + ih * w + iw]
                            if v > best || v.isNaN { best = v }
                        }
                    }
                    let got = fast.storage[plane * oh * ow + r * ow + q]
                    #expect(got == best || (got.isNaN && best.isNaN), "plane \(plane) at \(r),\(q)")
                }
            }
        }
        #expect(fast.storage.contains { $0.isNaN })
    }

    @Test func maxPoolWithPaddingIgnoresPadding() throws {
        let x = Tensor(shape: [1, 1, 4, 4], storage: (0..<16).map { -Float($0) })
        let y = try Tensor.maxPool2d(x, PoolGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.storage == [0, -1, -4, -5])
    }

    @Test func ceilModeAddsAWindowOnlyWhenItStartsInside() throws {
        let x = Tensor.zeros([1, 1, 7, 7])
        #expect(try Tensor.maxPool2d(x, PoolGeometry(kernel: (3, 3), stride: (2, 2))).shape == [1, 1, 3, 3])
        #expect(try Tensor.maxPool2d(x, PoolGeometry(kernel: (3, 3), stride: (2, 2), ceilMode: true)).shape == [1, 1, 3, 3])
        let x8 = Tensor.zeros([1, 1, 8, 8])
        #expect(try Tensor.maxPool2d(x8, PoolGeometry(kernel: (3, 3), stride: (2, 2))).shape == [1, 1, 3, 3])
        #expect(try Tensor.maxPool2d(x8, PoolGeometry(kernel: (3, 3), stride: (2, 2), ceilMode: true)).shape == [1, 1, 4, 4])
    }

    @Test func avgPoolCountIncludePad() throws {
        let ones = Tensor.ones([1, 1, 2, 2])
        let g = PoolGeometry(kernel: (2, 2), stride: (1, 1), padding: (1, 1))
        let included = try Tensor.avgPool2d(ones, g, countIncludePad: true)
        let excluded = try Tensor.avgPool2d(ones, g, countIncludePad: false)
        #expect(included.storage == [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25])
        #expect(excluded.storage == Array(repeating: 1, count: 9))
    }

    @Test func adaptiveWindowsOverlapWhenSizesDoNotDivide() throws {
        // 5 → 3: windows [0,2), [1,4), [3,5) — PyTorch's floor/ceil rule.
        let x = Tensor(shape: [1, 1, 1, 5], storage: [1, 2, 3, 4, 5])
        let avg = try Tensor.adaptiveAvgPool2d(x, outputSize: (1, 3))
        #expect(avg.storage == [1.5, 3, 4.5])
        let max = try Tensor.adaptiveMaxPool2d(x, outputSize: (1, 3))
        #expect(max.storage == [2, 4, 5])
    }

    @Test func globalPools() throws {
        #expect(try Tensor.adaptiveAvgPool2d(ramp, outputSize: (1, 1)).storage == [7.5])
        #expect(try Tensor.adaptiveMaxPool2d(ramp, outputSize: (1, 1)).storage == [15])
    }
}
