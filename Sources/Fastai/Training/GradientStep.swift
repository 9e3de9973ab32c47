import NN
import Tensors

/// One training step's forward and backward, without the optimizer: the model in its current
/// (train) mode on a recording tape, fastai's `CrossEntropyFlat` (mean), then `backward`, which
/// leaves each trainable parameter's gradient in `Parameter.grad`. `fit`, `lr_find` and
/// `learnerlens backward` all go through here.
public enum GradientStep {
    /// The loss and the logits; gradients are zeroed first (`opt.zero_grad()`), then accumulated.
    public static func run(model: Module, input: Tensor, targets: [Int]) throws -> (loss: Float, output: Tensor) {
        for p in model.parameters { p.zeroGrad() }
        let tape = Tape()
        let (loss, output) = try tape.run { () throws -> (Tensor, Tensor) in
            let y = try model(input)
            return (try Tensor.crossEntropy(y, targets: targets), y)
        }
        // Nothing trainable (every parameter frozen): a loss, no gradients.
        if loss.isTracked { try tape.backward(from: loss) }
        return (loss.storage[0], output.detached())
    }

    /// Train mode for every module except dropout (off), as `learnerlens backward` and the
    /// gradient fixtures run: deterministic, with batch norm on batch statistics.
    public static func trainWithoutDropout(_ model: Module) {
        model.train()
        for m in model.modules where m is Dropout { m.eval() }
    }
}
