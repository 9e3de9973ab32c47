import Tensors
import Testing

@Suite struct ConvTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: [Int], out: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int),
            groups: Int, bias: Bool
        var testDescription: String { "\(input) → \(out) k\(kernel) s\(stride) p\(padding) d\(dilation) g\(groups)" }
    }

    static let cases: [Case] = [
        Case(input: [1, 3, 9, 9], out: 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 1, bias: true),
        Case(input: [2, 3, 9, 9], out: 4, kernel: (3, 3), stride: (2, 2), padding: (1, 1), dilation: (1, 1), groups: 1, bias: false),
        Case(input: [2, 4, 7, 9], out: 6, kernel: (1, 1), stride: (1, 1), padding: (0, 0), dilation: (1, 1), groups: 1, bias: false),
        Case(input: [1, 4, 7, 7], out: 6, kernel: (1, 1), stride: (1, 1), padding: (0, 0), dilation: (1, 1), groups: 1, bias: true),
        Case(input: [2, 4, 8, 8], out: 8, kernel: (1, 1), stride: (2, 2), padding: (0, 0), dilation: (1, 1), groups: 1, bias: false),
        Case(input: [2, 3, 16, 16], out: 8, kernel: (7, 7), stride: (2, 2), padding: (3, 3), dilation: (1, 1), groups: 1, bias: false),
        Case(input: [1, 2, 9, 9], out: 3, kernel: (3, 3), stride: (1, 1), padding: (2, 2), dilation: (2, 2), groups: 1, bias: true),
        Case(input: [2, 4, 6, 6], out: 6, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 2, bias: true),
        Case(input: [1, 5, 6, 6], out: 5, kernel: (3, 3), stride: (2, 2), padding: (1, 1), dilation: (1, 1), groups: 5, bias: false),
        Case(input: [1, 2, 5, 7], out: 3, kernel: (3, 1), stride: (1, 2), padding: (1, 0), dilation: (1, 1), groups: 1, bias: true),
        // Stride 2 on rows wide enough for the vector path of the unfolding (and its scalar tail).
        Case(input: [1, 2, 40, 43], out: 3, kernel: (3, 3), stride: (2, 2), padding: (1, 1), dilation: (1, 1), groups: 1, bias: true),
        Case(input: [2, 3, 41, 41], out: 4, kernel: (1, 1), stride: (2, 2), padding: (0, 0), dilation: (1, 1), groups: 1, bias: false),
        // Batches that the chunking splits: one image per GEMM, several, and a ragged last chunk.
        Case(input: [3, 2, 70, 70], out: 3, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 1, bias: true),
        Case(input: [9, 2, 30, 30], out: 4, kernel: (1, 1), stride: (1, 1), padding: (0, 0), dilation: (1, 1), groups: 1, bias: false),
        Case(input: [9, 4, 30, 30], out: 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 2, bias: true),
    ]

    @Test(arguments: cases)
    func matchesNaiveReference(_ c: Case) throws {
        var g = RandomGenerator(seed: 7)
        let x = Tensor.normal(c.input, generator: &g)
        let w = Tensor.normal([c.out, c.input[1] / c.groups, c.kernel.0, c.kernel.1], generator: &g)
        let b = c.bias ? Tensor.normal([c.out], generator: &g) : nil
        let geom = ConvGeometry(kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        let fast = try Tensor.conv2d(x, weight: w, bias: b, geom)
        let slow = Naive.conv2d(x, w, b, geom)
        #expect(fast.shape == slow.shape)
        #expect(relativeError(fast, slow) < 1e-5)
    }

    @Test func handComputedCase() throws {
        // A 1×1×3×3 ramp with a 2×2 all-ones kernel sums each 2×2 window.
        let x = Tensor(shape: [1, 1, 3, 3], storage: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let y = try Tensor.conv2d(x, weight: .ones([1, 1, 2, 2]), bias: Tensor([0.5]), ConvGeometry(kernel: (2, 2)))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.storage == [12.5, 16.5, 24.5, 28.5])
    }

    @Test func channelMismatchIsPyTorchsMessage() {
        let x = Tensor.zeros([1, 4, 8, 8])
        #expect(
            throws: TensorError(
                "Given groups=1, weight of size [64, 3, 7, 7], expected input[1, 4, 8, 8] to have 3 channels, but got 4 channels instead"
            )
        ) {
            try Tensor.conv2d(x, weight: .zeros([64, 3, 7, 7]), bias: nil, ConvGeometry(kernel: (7, 7), stride: (2, 2), padding: (3, 3)))
        }
    }

    @Test func kernelLargerThanInputFails() {
        #expect(throws: TensorError.self) {
            try Tensor.conv2d(.zeros([1, 1, 2, 2]), weight: .zeros([1, 1, 3, 3]), bias: nil, ConvGeometry(kernel: (3, 3)))
        }
    }
}
