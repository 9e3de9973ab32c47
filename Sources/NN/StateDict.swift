import Foundation
import Tensors

/// What `load_state_dict` found wrong, every key by name.
public struct StateDictError: Error, Equatable, Sendable, CustomStringConvertible {
    public var missingKeys: [String] = []
    public var unexpectedKeys: [String] = []
    /// `(key, expected shape, found shape)`.
    public var shapeMismatches: [(String, [Int], [Int])] = []
    /// Where the state came from, for the message.
    public var source: String = "state dict"

    public static func == (l: StateDictError, r: StateDictError) -> Bool { l.description == r.description }

    var isEmpty: Bool { missingKeys.isEmpty && unexpectedKeys.isEmpty && shapeMismatches.isEmpty }

    public var description: String {
        var parts: [String] = []
        if !missingKeys.isEmpty { parts.append("Missing key(s): " + missingKeys.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if !unexpectedKeys.isEmpty {
            parts.append("Unexpected key(s): " + unexpectedKeys.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        for (k, want, got) in shapeMismatches {
            parts.append(
                "size mismatch for \(k): copying a param with shape \(Tensor.describe(got)) from checkpoint, the shape in current model is \(Tensor.describe(want))"
            )
        }
        return "Error(s) in loading state_dict from \(source):\n\t" + parts.joined(separator: "\n\t")
    }
}

extension Module {
    /// Parameters and buffers by dotted name, in PyTorch's `state_dict()` order.
    public func stateDict() -> [(name: String, tensor: Tensor, dtype: SafetensorsDType)] {
        namedModules().flatMap { prefix, m in
            let key = { (n: String) in prefix.isEmpty ? n : "\(prefix).\(n)" }
            return m.ownParameters.map { (key($0.name), $0.parameter.value, SafetensorsDType.f32) }
                + m.ownBuffers.map { (key($0.name), $0.buffer.value, $0.buffer.dtype) }
        }
    }

    /// The state dict as a safetensors archive (what `save_file(model.state_dict())` writes).
    public func stateArchive() -> SafetensorsArchive {
        var archive = SafetensorsArchive()
        for (name, tensor, dtype) in stateDict() {
            archive.tensors[name] = tensor
            archive.dtypes[name] = dtype
        }
        return archive
    }

    /// `load_state_dict(state, strict)`: copies every matching tensor; in strict mode any missing
    /// key, unexpected key or shape mismatch fails the whole load before anything changes.
    @discardableResult
    public func loadStateDict(_ state: [String: Tensor], strict: Bool = true, source: String = "state dict") throws(StateDictError)
        -> StateDictError
    {
        var slots: [String: (Tensor) -> Void] = [:]
        var shapes: [String: [Int]] = [:]
        for (prefix, m) in namedModules() {
            let key = { (n: String) in prefix.isEmpty ? n : "\(prefix).\(n)" }
            for (n, p) in m.ownParameters {
                slots[key(n)] = { p.value = $0 }
                shapes[key(n)] = p.value.shape
            }
            for (n, b) in m.ownBuffers {
                slots[key(n)] = { b.value = $0 }
                shapes[key(n)] = b.value.shape
            }
        }
        var report = StateDictError(source: source)
        let names = stateDict().map(\.name)
        report.missingKeys = names.filter { state[$0] == nil }
        report.unexpectedKeys = state.keys.filter { slots[$0] == nil }.sorted()
        for name in names {
            if let t = state[name], let want = shapes[name], t.shape != want,
                !(want == [] && t.shape == [1]) && !(want == [1] && t.shape == [])
            {
                report.shapeMismatches.append((name, want, t.shape))
            }
        }
        if strict && !report.isEmpty { throw report }
        for (name, t) in state {
            guard let set = slots[name], let want = shapes[name] else { continue }
            if report.shapeMismatches.contains(where: { $0.0 == name }) { continue }
            set(Tensor(shape: want, storage: t.storage))
        }
        return report
    }
}
