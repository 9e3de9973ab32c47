import Foundation
import NN
import Tensors

/// fastai v2's `SigmoidRange(low, high)`: `sigmoid(x) * (high - low) + low`.
public final class SigmoidRange: Module {
    public let low: Float
    public let high: Float

    public init(_ low: Float, _ high: Float) {
        self.low = low
        self.high = high
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        Tensor(shape: x.shape, storage: x.storage.map { 1 / (1 + Foundation.exp(-$0)) * (high - low) + low })
    }
}
