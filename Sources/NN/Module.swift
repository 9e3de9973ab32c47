import Tensors

/// A forward hook: called with the module, its input and its output after every call.
public typealias ForwardHook = (Module, Tensor, Tensor) -> Void

/// Removes a forward hook when asked (`handle.remove()`), like PyTorch's `RemovableHandle`.
public struct HookHandle {
    fileprivate weak var module: Module?
    fileprivate let id: Int

    /// Unregisters the hook.
    public func remove() { module?.hooks.removeAll { $0.id == id } }
}

/// A node of a model, with PyTorch's semantics: ordered named children, parameters and buffers,
/// train/eval mode, forward hooks and PyTorch's printed form.
open class Module {
    /// Direct children in registration order (`conv1`, `bn1`, … or `0`, `1`, …).
    public private(set) var namedChildren: [(name: String, module: Module)] = []
    /// This module's own parameters (`weight`, `bias`), not its children's.
    public private(set) var ownParameters: [(name: String, parameter: Parameter)] = []
    /// This module's own buffers (`running_mean`, `running_var`, `num_batches_tracked`).
    public private(set) var ownBuffers: [(name: String, buffer: Buffer)] = []
    /// Training (true) or evaluation mode.
    public private(set) var training = true
    fileprivate var hooks: [(id: Int, hook: ForwardHook)] = []
    private var nextHookID = 0

    public init() {}

    /// The class name PyTorch prints (`Conv2d`, `BasicBlock`).
    open var typeName: String { String(describing: type(of: self)) }

    /// The argument summary inside the parentheses of the printed form.
    open var extraRepr: String { "" }

    /// The computation; containers call their children through `run(_:_:)`.
    open func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError("\(typeName) has no forward")
    }

    /// Re-initialises this module's own parameters the way its PyTorch constructor does.
    open func resetParameters(generator: inout RandomGenerator) {}

    /// Runs `forward`, turns a tensor error into a located `ForwardError`, then calls the hooks.
    public final func callAsFunction(_ x: Tensor) throws -> Tensor {
        let y: Tensor
        do {
            y = try forward(x)
        } catch let error as ForwardError {
            throw error
        } catch let error as TensorError {
            throw ForwardError(layer: typeName, inputShape: x.shape, message: error.message)
        }
        for (_, hook) in hooks { hook(self, x, y) }
        return y
    }

    /// Whether anyone listens to this module's calls (fused execution then steps aside).
    final var hasHooks: Bool { !hooks.isEmpty }

    /// Calls the child named `name`, prefixing its name to the path of any error.
    public final func run(_ name: String, _ x: Tensor) throws -> Tensor {
        guard let child = child(name) else { throw TensorError("\(typeName) has no child '\(name)'") }
        do {
            return try child(x)
        } catch var error as ForwardError {
            error.path.insert(name, at: 0)
            throw error
        }
    }

    // MARK: Registration

    /// Adds a child, or replaces the child of that name in place (`setattr` on a module).
    public final func setChild(_ name: String, _ module: Module) {
        if let i = namedChildren.firstIndex(where: { $0.name == name }) {
            namedChildren[i].module = module
        } else {
            namedChildren.append((name, module))
        }
    }

    /// Registers one of a layer's stored parameters under its state-dict name. Layers keep their
    /// parameters as typed stored properties (`Conv2d.weight`); this list only names them, in
    /// PyTorch's registration order, for state dicts and traversal.
    final func register(_ name: String, _ parameter: Parameter) {
        precondition(!ownParameters.contains { $0.name == name }, "parameter \(name) registered twice")
        ownParameters.append((name, parameter))
    }

    /// Registers one of a layer's stored buffers under its state-dict name.
    final func register(_ name: String, _ buffer: Buffer) {
        precondition(!ownBuffers.contains { $0.name == name }, "buffer \(name) registered twice")
        ownBuffers.append((name, buffer))
    }

    /// The child with this name.
    public final func child(_ name: String) -> Module? { namedChildren.first { $0.name == name }?.module }

    /// The parameter with this name (own, not a child's).
    public final func parameter(_ name: String) -> Parameter? { ownParameters.first { $0.name == name }?.parameter }

    /// The buffer with this name (own, not a child's).
    public final func buffer(_ name: String) -> Buffer? { ownBuffers.first { $0.name == name }?.buffer }

    /// Direct children, each module once (`children()`).
    public final var children: [Module] {
        var seen = Set<ObjectIdentifier>()
        return namedChildren.compactMap { seen.insert(ObjectIdentifier($0.module)).inserted ? $0.module : nil }
    }

    // MARK: Traversal

    /// Every module below and including this one, pre-order, each once (`named_modules()`).
    public final func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Module)] = []
        func visit(_ m: Module, _ name: String) {
            guard seen.insert(ObjectIdentifier(m)).inserted else { return }
            out.append((name, m))
            for (n, c) in m.namedChildren { visit(c, name.isEmpty ? n : "\(name).\(n)") }
        }
        visit(self, prefix)
        return out
    }

    /// Every module, pre-order (`modules()`).
    public final var modules: [Module] { namedModules().map(\.module) }

    /// All parameters with dotted names, each parameter once (`named_parameters()`).
    public final func namedParameters() -> [(name: String, parameter: Parameter)] {
        var seen = Set<ObjectIdentifier>()
        return namedModules().flatMap { prefix, m in
            m.ownParameters.compactMap { name, p in
                seen.insert(ObjectIdentifier(p)).inserted ? (prefix.isEmpty ? name : "\(prefix).\(name)", p) : nil
            }
        }
    }

    /// All parameters (`parameters()`).
    public final var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// All buffers with dotted names.
    public final func namedBuffers() -> [(name: String, buffer: Buffer)] {
        namedModules().flatMap { prefix, m in
            m.ownBuffers.map { name, b in (prefix.isEmpty ? name : "\(prefix).\(name)", b) }
        }
    }

    /// The number of parameter elements, optionally only trainable ones.
    public final func parameterCount(trainableOnly: Bool = false) -> Int {
        parameters.reduce(0) { $0 + (trainableOnly && !$1.requiresGrad ? 0 : $1.count) }
    }

    /// Modules without children, in registration order — fastai's `flatten_model`.
    public final var leaves: [Module] {
        let kids = children
        return kids.isEmpty ? [self] : kids.flatMap(\.leaves)
    }

    /// Sets training mode on this module and every descendant (`train(mode)`).
    public final func train(_ mode: Bool = true) {
        for m in modules { m.training = mode }
    }

    /// Evaluation mode (`eval()`).
    public final func eval() { train(false) }

    /// Sets this module's own flag, not its children's (for `restore(_:)`).
    final func setTrainingFlag(_ mode: Bool) { training = mode }

    /// Sets `requires_grad` on every parameter below this module.
    public final func setRequiresGrad(_ value: Bool) {
        for p in parameters { p.requiresGrad = value }
    }

    // MARK: Hooks

    /// Registers a hook that sees every call's input and output.
    @discardableResult
    public final func registerForwardHook(_ hook: @escaping ForwardHook) -> HookHandle {
        nextHookID += 1
        hooks.append((nextHookID, hook))
        return HookHandle(module: self, id: nextHookID)
    }
}
