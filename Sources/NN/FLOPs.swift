import Tensors

extension Module {
    /// Runs `x` through the model once and counts multiply-adds ×2 of every Conv2d and Linear
    /// (the convention PyTorch profilers and papers use for "FLOPs").
    public func countFLOPs(_ x: Tensor) throws -> Int {
        var total = 0
        var handles: [HookHandle] = []
        for m in modules {
            if let conv = m as? Conv2d {
                handles.append(
                    m.registerForwardHook { _, _, y in
                        let k = conv.inChannels / conv.geometry.groups * conv.geometry.kernel.0 * conv.geometry.kernel.1
                        total += 2 * y.count * k
                    })
            } else if let linear = m as? Linear {
                handles.append(m.registerForwardHook { _, _, y in total += 2 * y.count * linear.inFeatures })
            }
        }
        defer { handles.forEach { $0.remove() } }
        _ = try self(x)
        return total
    }
}
