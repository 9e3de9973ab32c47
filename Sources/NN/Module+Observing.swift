import Tensors

/// Every module's own train/eval flag at one moment, to be put back exactly later.
///
/// `model.train(wasTraining)` would copy the root's flag onto every descendant; a model whose
/// body is in eval mode and head in training mode (what fastai's `num_features_model` leaves
/// behind) must come back that way.
public struct TrainingModes {
    fileprivate let flags: [(module: Module, training: Bool)]
}

extension Module {
    /// Each module's flag, this one and every descendant.
    public final func trainingModes() -> TrainingModes {
        TrainingModes(flags: modules.map { ($0, $0.training) })
    }

    /// Puts back the flags `modes` recorded (modules added since keep theirs).
    public final func restore(_ modes: TrainingModes) {
        for (module, training) in modes.flags { module.setTrainingFlag(training) }
    }

    /// Runs `body` with this module and every descendant in eval mode, then restores each
    /// module's own flag: a look at the model that leaves no trace.
    public final func inEvalMode<R>(_ body: () throws -> R) rethrows -> R {
        let modes = trainingModes()
        defer { restore(modes) }
        eval()
        return try body()
    }

    /// Runs `body` with a forward hook on each of `watched` that calls `hook(index, module, input,
    /// output)` for every call of `watched[index]`; the hooks are gone when it returns. A module
    /// listed twice gets one hook, reporting its first index.
    public static func observing<R>(
        _ watched: [Module], _ hook: @escaping (Int, Module, Tensor, Tensor) -> Void, _ body: () throws -> R
    ) rethrows -> R {
        var seen = Set<ObjectIdentifier>()
        let handles = watched.enumerated().compactMap { i, m in
            seen.insert(ObjectIdentifier(m)).inserted ? m.registerForwardHook { module, x, y in hook(i, module, x, y) } : nil
        }
        defer { handles.forEach { $0.remove() } }
        return try body()
    }

    /// Runs `x` through this module and returns its output with the output shape of each direct
    /// child (fastai's `model_sizes` hooks): the shape of each child's last call, `[]` for a child
    /// that never ran.
    public final func outputShapesOfChildren(_ x: Tensor) throws -> (output: Tensor, shapes: [[Int]]) {
        let kids = children
        var shapes = [[Int]](repeating: [], count: kids.count)
        let output = try Module.observing(kids, { i, _, _, y in shapes[i] = y.shape }) { try self(x) }
        return (output, shapes)
    }
}
