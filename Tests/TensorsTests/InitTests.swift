import Tensors
import Testing

@Suite struct InitTests {
    @Test func gainsFollowCalculateGain() {
        #expect(Nonlinearity.relu.gain == 2.0.squareRoot())
        #expect(Nonlinearity.tanh.gain == 5.0 / 3)
        #expect(abs(Nonlinearity.leakyReLU(negativeSlope: 5.0.squareRoot()).gain - (1.0 / 3).squareRoot()) < 1e-12)
    }

    @Test func fansIncludeTheReceptiveField() {
        #expect(Init.fans([64, 3, 7, 7]) == (147, 3136))
        #expect(Init.fans([512, 1024]) == (1024, 512))
    }

    @Test func kaimingNormalHitsItsStd() {
        var g = RandomGenerator(seed: 1)
        var w = Tensor.zeros([512, 1024])
        Init.kaimingNormal(&w, generator: &g)
        let expected = 2.0.squareRoot() / 1024.0.squareRoot()
        #expect(abs(w.meanAndStd.std - expected) / expected < 0.01)
        #expect(abs(w.meanAndStd.mean) < 0.001)
    }

    @Test func kaimingUniformBoundAndFanOut() {
        var g = RandomGenerator(seed: 2)
        var w = Tensor.zeros([64, 32, 3, 3])
        Init.kaimingUniform(&w, mode: .fanOut, nonlinearity: .relu, generator: &g)
        let bound = Float(2.0.squareRoot() * (3.0 / Double(64 * 9)).squareRoot())
        #expect(w.maxAbs <= bound)
        #expect(w.maxAbs > bound * 0.99)
    }

    @Test func linearDefaultIsUniformOneOverSqrtFanIn() {
        var g = RandomGenerator(seed: 3)
        var w = Tensor.zeros([10, 100])
        var b: Tensor? = Tensor.zeros([10])
        Init.pytorchDefault(weight: &w, bias: &b, generator: &g)
        #expect(w.maxAbs <= 0.1 && w.maxAbs > 0.098)
        #expect(b!.maxAbs <= 0.1)
    }

    @Test func generatorIsDeterministic() {
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }
}
