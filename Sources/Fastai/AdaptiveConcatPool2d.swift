import NN
import Tensors

/// fastai's `AdaptiveConcatPool2d`: max pool and average pool side by side, **max first** —
/// the reason `nf` is twice the body's channels.
public final class AdaptiveConcatPool2d: Module {
    public init(_ size: Int = 1) {
        super.init()
        // fastai registers `ap` before `mp`, so `ap` is the first leaf.
        setChild("ap", AdaptiveAvgPool2d(.square(size)))
        setChild("mp", AdaptiveMaxPool2d(.square(size)))
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.concatenate([run("mp", x), run("ap", x)], dim: 1)
    }
}
