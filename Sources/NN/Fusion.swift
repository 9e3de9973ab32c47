import Tensors

/// Eval-mode fusion: `conv → BatchNorm2d [→ + residual] [→ ReLU]` computed as one convolution with
/// the batch norm folded into its weights and bias, and the residual add and ReLU done in the
/// convolution's own output pass — the inference-time rewrite PyTorch's `torch.fx`/oneDNN paths do.
///
/// It is an execution detail: it only happens when nothing could tell the difference — fast paths
/// on (`ExecutionOptions.fastPaths`), the batch norm in eval mode, and no forward hook on any of the fused
/// layers, and no tape recording (a folded batch norm has no gradient of its own). Otherwise every
/// layer runs on its own, in PyTorch's order, and hooks see each output.
extension Module {
    /// Runs the children `conv` and `bn`, then adds `residual()` if given, then runs the child `relu`
    /// if given — fused into one convolution when allowed. The residual is computed before the
    /// convolution when fused, between the convolution and the batch norm when the batch norm takes the
    /// add and ReLU into its own pass (training), and after the batch norm otherwise (the order hooks
    /// would observe).
    public final func runConvBN(
        _ convName: String, _ bnName: String, residual: (() throws -> Tensor)? = nil, relu reluName: String? = nil,
        _ x: Tensor
    ) throws -> Tensor {
        var extra: Tensor?
        if let conv = child(convName) as? Conv2d, let bn = child(bnName) as? BatchNorm2d,
            ExecutionOptions.current.fastPaths, !bn.training, Tape.current == nil, !conv.hasHooks, !bn.hasHooks, bn.numFeatures == conv.outChannels,
            reluName.map({ child($0) is ReLU && !child($0)!.hasHooks }) ?? true
        {
            extra = try residual?()
            let kernel = try conv.kernel(foldedWith: bn)
            if extra == nil || extra!.shape == kernel.outputShape(for: x.shape) {
                do {
                    return try kernel(x, epilogue: ConvEpilogue(residual: extra, relu: reluName != nil))
                } catch {
                    var located = ForwardError(layer: conv.typeName, inputShape: x.shape, message: error.message)
                    located.path.insert(convName, at: 0)
                    throw located
                }
            }
        }
        // Training (or no fusion): the batch norm still takes the residual add and ReLU into its
        // own pass and backward, unless a hook must see its output.
        if ExecutionOptions.current.fastPaths, let bn = child(bnName) as? BatchNorm2d, !bn.hasHooks,
            reluName.map({ child($0) is ReLU && !child($0)!.hasHooks }) ?? true
        {
            let z = try run(convName, x)
            let r = try extra ?? residual?()
            if let r, r.shape != z.shape || z.rank != 4 {
                // (The unfused order reports the mismatch where it always did: at the add.)
                return try Tensor.add(run(bnName, z), r)
            }
            do {
                return try bn.forward(z, residual: r, relu: reluName != nil)
            } catch let error as TensorError {
                var located = ForwardError(layer: bn.typeName, inputShape: z.shape, message: error.message)
                located.path.insert(bnName, at: 0)
                throw located
            }
        }
        var y = try run(bnName, run(convName, x))
        // (A residual computed for the fused path is not computed again.)
        if let residual { y = try Tensor.add(y, extra ?? residual()) }
        if let reluName { y = try run(reluName, y) }
        return y
    }
}

extension Conv2d {
    /// The layer's weights as a prepared kernel, folded with `bn`'s eval-mode scale and shift if
    /// given: output channel `o` is scaled by `scale[o]` and gets bias `shift[o] + b[o] · scale[o]`.
    /// Kept until any of the tensors it came from changes (their versions) or a different batch
    /// norm is asked for.
    func kernel(foldedWith bn: BatchNorm? = nil) throws(TensorError) -> ConvKernel {
        var sources: [AnyObject] = [weight]
        var versions = [weight.version]
        if let bias {
            sources.append(bias)
            versions.append(bias.version)
        }
        var statistics: RunningStatistics?
        if let bn {
            let mean = bn.runningMean, variance = bn.runningVar
            sources += [bn, bn.weight, bn.bias, mean, variance]
            versions += [bn.weight.version, bn.bias.version, mean.version, variance.version]
            statistics = RunningStatistics(mean: mean.value, variance: variance.value)
        }
        if let cached = preparedKernel, cached.versions == versions, cached.sources.count == sources.count,
            zip(cached.sources, sources).allSatisfy({ $0 === $1 })
        {
            return cached.kernel
        }
        var scaled: Tensor?, shifted = bias?.value
        if let bn, let statistics {
            // Folded without copying the weights: the kernel scales its output (or its transformed
            // weights) by `scale`, and the bias becomes `shift + b · scale`.
            let (scale, shift) = Tensor.evalScaleShift(weight: bn.weight.value, bias: bn.bias.value, running: statistics, eps: bn.eps)
            scaled = Tensor(scale)
            shifted = Tensor((0..<outChannels).map { o in shift[o] + (bias?.value.storage[o] ?? 0) * scale[o] })
        }
        let kernel = try ConvKernel(weight: weight.value, scale: scaled, bias: shifted, geometry)
        preparedKernel = PreparedKernel(sources: sources, versions: versions, kernel: kernel)
        return kernel
    }
}

/// A conv layer's kernel and what it was prepared from.
struct PreparedKernel {
    let sources: [AnyObject]
    let versions: [Int]
    let kernel: ConvKernel
}
