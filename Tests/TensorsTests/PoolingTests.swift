import Tensors
import Testing

@Suite struct PoolingTests {
    let ramp = Tensor(shape: [1, 1, 4, 4], storage: (0..<16).map(Float.init))

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
