/// One box of the pipeline diagram: the input, the body (and its stages), each head layer, the output.
public struct PipelineStage: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case input, body
        case bodyStage = "body_stage"
        case pool, flatten
        case batchNorm = "batch_norm"
        case dropout, linear, activation, output
    }
    public var kind: Kind
    /// What the box says (`body`, `concat pool`, `Linear`).
    public var label: String
    /// The shape leaving the box, without the batch dimension.
    public var shape: [Int]?
    /// Which step added the box (its cell id).
    public var addedBy: String

    enum CodingKeys: String, CodingKey {
        case kind, label, shape
        case addedBy = "added_by"
    }
}

/// The model as built so far, as a left-to-right chain of stages.
public struct Pipeline: Sendable, Equatable, Codable {
    public var stages: [PipelineStage] = []

    public init() {}

    /// Replaces every stage of the given kinds (a step re-running replaces what it drew before).
    mutating func replace(_ kinds: Set<PipelineStage.Kind>, with new: [PipelineStage]) {
        let at = stages.firstIndex { kinds.contains($0.kind) } ?? stages.count
        stages.removeAll { kinds.contains($0.kind) }
        stages.insert(contentsOf: new, at: min(at, stages.count))
    }

    /// `3×224×224 → body → 512×7×7 → concat pool → 1024 → 512 → 37`.
    public var line: String {
        var parts: [String] = []
        for s in stages where s.kind != .bodyStage {
            switch s.kind {
            case .input, .output: if let shape = s.shape { parts.append(shape.map(String.init).joined(separator: "×")) }
            case .body, .pool:
                parts.append(s.label)
                if let shape = s.shape { parts.append(shape.map(String.init).joined(separator: "×")) }
            case .linear: if let shape = s.shape { parts.append(shape.map(String.init).joined(separator: "×")) }
            default: break
            }
        }
        var deduped: [String] = []
        for p in parts where deduped.last != p { deduped.append(p) }
        return deduped.joined(separator: " → ")
    }
}
