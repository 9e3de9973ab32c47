import Foundation

/// Reverse-mode gradients: a tape that records, while it is bound, every operation whose inputs
/// are tracked, with a closure that turns the output's gradient into the inputs' gradients.
///
/// The shape is micrograd's (a node remembers its parents and a backward closure) with PyTorch's
/// `autograd.Function` habits: a closure captures only what its backward needs (`ctx.save_for_backward`),
/// is told which inputs need a gradient (`ctx.needs_input_grad`) so a frozen weight costs no
/// weight-gradient GEMM and the first layer computes no input gradient, and is dropped as soon as
/// `backward` is past it, freeing what it saved.
///
/// A tape is bound for a stretch of work like `ExecutionOptions` (`tape.run { try model(x) }`,
/// a task-local underneath). Outside a bound tape nothing is recorded, so inference pays nothing.
/// Leaves come from `leaf(_:accumulate:)` (NN's `Parameter.tracked()` for parameters that require
/// a gradient); untracked inputs (images, frozen weights) are constants. A tape is used for one
/// forward and one backward; it is not thread-safe (one model runs on one thread, its kernels
/// spread the work).
public final class Tape: @unchecked Sendable {
    /// Turns the output's gradient into one gradient per input; `needs[i]` says whether input `i`
    /// is tracked (return nil for the others, and skip their work).
    public typealias Backward = (_ gradient: Tensor, _ needs: [Bool]) -> [Tensor?]

    struct Node {
        var inputs: [Int?]
        var backward: Backward?
        var sink: ((Tensor) -> Void)?
        var shape: [Int]
        var label: String
    }

    /// When true, `backward` adds each node's time to `backwardProfile`, keyed by the operation
    /// that recorded it (`bench --train --profile`).
    public var profiling = false
    /// Per operation: how many nodes ran backward and their total milliseconds (with `profiling`).
    public private(set) var backwardProfile: [String: (count: Int, ms: Double)] = [:]

    private var nodes: [Node] = []

    /// The tape recording on this thread (or task), if any.
    @TaskLocal public static var current: Tape?

    /// An empty tape.
    public init() {}

    /// Runs `body` with this tape recording.
    public func run<R>(_ body: () throws -> R) rethrows -> R {
        try Tape.$current.withValue(self) { try body() }
    }

    /// How many nodes are recorded (leaves included) and not yet released by `backward`.
    public var liveNodes: Int { nodes.reduce(0) { $0 + ($1.backward != nil || $1.sink != nil ? 1 : 0) } }

    /// A tracked copy of `value` whose gradient is handed to `accumulate` during `backward`.
    public func leaf(_ value: Tensor, accumulate: @escaping (Tensor) -> Void) -> Tensor {
        var out = value
        nodes.append(Node(inputs: [], backward: nil, sink: accumulate, shape: value.shape, label: "leaf"))
        out.gradientNode = nodes.count - 1
        return out
    }

    /// Records `output` as computed from `inputs`; returns it tracked.
    func record(_ output: Tensor, inputs: [Tensor], label: String, backward: @escaping Backward) -> Tensor {
        var out = output
        nodes.append(Node(inputs: inputs.map(\.gradientNode), backward: backward, sink: nil, shape: output.shape, label: label))
        out.gradientNode = nodes.count - 1
        return out
    }

    /// Walks the nodes from `loss` back to the leaves, handing each leaf its gradient. `seed` is
    /// the gradient of whatever is being differentiated with respect to `loss` (ones by default,
    /// d loss / d loss). Each node's closure, and what it saved, is released once it has run.
    public func backward(from loss: Tensor, seed: Tensor? = nil) throws(TensorError) {
        guard let start = loss.gradientNode, start < nodes.count else {
            throw TensorError("element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let first = seed ?? Tensor.ones(loss.shape)
        guard first.shape == loss.shape else {
            throw TensorError(
                "Mismatch in shape: grad_output[0] has a shape of \(Tensor.describe(first.shape)) and output[0] has a shape of \(Tensor.describe(loss.shape))"
            )
        }
        var gradients: [Int: Tensor] = [start: first.detached()]
        for index in stride(from: start, through: 0, by: -1) {
            guard let gradient = gradients.removeValue(forKey: index) else { continue }
            let node = nodes[index]
            nodes[index].backward = nil
            nodes[index].sink = nil
            if let sink = node.sink {
                sink(gradient)
                continue
            }
            guard let backward = node.backward else { continue }
            let needs = node.inputs.map { $0 != nil }
            let start = profiling ? DispatchTime.now().uptimeNanoseconds : 0
            let inputGradients = backward(gradient, needs)
            if profiling {
                let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                let key = String(node.label.prefix { $0 != "(" }) + (node.inputs.first.flatMap { $0 } == nil ? " (no input gradient)" : "")
                backwardProfile[key, default: (0, 0)].count += 1
                backwardProfile[key, default: (0, 0)].ms += ms
            }
            for (input, g) in zip(node.inputs, inputGradients) {
                guard let input, let g else { continue }
                precondition(g.shape == nodes[input].shape, "gradient shape \(g.shape) for a \(nodes[input].shape) input")
                if let existing = gradients[input] {
                    gradients[input] = existing.adding(g)
                } else {
                    gradients[input] = g.detached()
                }
            }
        }
        nodes.removeAll()
    }
}

extension Tensor {
    /// `output` recorded on the bound tape as computed from `inputs` when any of them is tracked;
    /// untracked otherwise. Every differentiable operation returns through here.
    /// `label` names the operation in `Tape.backwardProfile` (the calling function by default).
    func recorded(from inputs: [Tensor], label: String = #function, _ backward: @escaping Tape.Backward) -> Tensor {
        guard let tape = Tape.current, inputs.contains(where: \.isTracked) else { return detached() }
        return tape.record(self, inputs: inputs, label: label, backward: backward)
    }

    /// Elementwise sum of two same-shaped tensors, untracked (gradient accumulation).
    func adding(_ other: Tensor) -> Tensor {
        var out = detached()
        out.storage.withUnsafeMutableBufferPointer { y in
            other.storage.withUnsafeBufferPointer { z in
                Parallel.chunks(y.count) { range in
                    for i in range { y[i] += z[i] }
                }
            }
        }
        return out
    }
}
