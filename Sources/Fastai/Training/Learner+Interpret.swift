import NN
import Tensors

extension Learner {
    /// `ClassificationInterpretation.from_learner(learn)`: the validation set's logits in order
    /// (eval mode, no augmentation), as `get_preds(with_loss=True)` collects them.
    public func interpret(_ loader: some BatchLoader) throws -> ClassificationInterpretation {
        var loader = loader
        var logits: [Float] = [], targets: [Int] = []
        var classes = 0
        try model.inEvalMode {
            let batches = loader.makeEpoch()
            while let batch = try batches.next() {
                let out = try model(batch.images)
                classes = out.shape[1]
                logits += out.storage
                targets += batch.labels
            }
        }
        guard !targets.isEmpty else { throw TrainingError("interpretation needs validation items; the loader has none") }
        return try ClassificationInterpretation(logits: logits, classes: classes, targets: targets)
    }
}
