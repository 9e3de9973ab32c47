import NN
import Tensors

/// One row of `learn.summary()`: a module with the shapes it saw in a real forward pass.
public struct SummaryRow: Sendable, Equatable {
    /// Dotted path (`0.4.0.conv1`); empty for the model itself.
    public var path: String
    public var typeName: String
    /// Nesting depth (0 = the model's direct children).
    public var depth: Int
    public var isLeaf: Bool
    /// Shapes of the first call (nil when the module was never called, e.g. an unused child).
    public var inputShape: [Int]?
    public var outputShape: [Int]?
    /// Parameters below this module (each once).
    public var parameters: Int
    public var trainableParameters: Int
    /// The layer group of a leaf; for a container, the groups its leaves fall in.
    public var layerGroups: [Int]
}

/// The totals and rows of a model summary.
public struct ModelSummary: Sendable, Equatable {
    public var rows: [SummaryRow]
    public var inputShape: [Int]
    public var outputShape: [Int]
    public var totalParameters: Int
    public var trainableParameters: Int

    /// Runs `batch` in eval mode through the learner's model with a hook on every module, and
    /// records each module's shapes, parameters and layer group. Puts every module's own mode back.
    public init(learner: Learner, batch: Tensor) throws {
        let model = learner.model
        var groupOfLeaf: [ObjectIdentifier: Int] = [:]
        for (g, group) in learner.layerGroups.enumerated() { for leaf in group { groupOfLeaf[ObjectIdentifier(leaf)] = g } }
        let named = model.namedModules().dropFirst()
        var seenShapes: [ObjectIdentifier: ([Int], [Int])] = [:]
        let output = try model.inEvalMode {
            try Module.observing(
                named.map(\.module),
                { _, module, x, y in
                    let id = ObjectIdentifier(module)
                    if seenShapes[id] == nil { seenShapes[id] = (x.shape, y.shape) }
                }
            ) { try model(batch) }
        }
        rows = named.map { path, m in
            let shapes = seenShapes[ObjectIdentifier(m)]
            let groups = Set(m.leaves.compactMap { groupOfLeaf[ObjectIdentifier($0)] }).sorted()
            return SummaryRow(
                path: path, typeName: m.typeName, depth: path.split(separator: ".").count - 1,
                isLeaf: m.namedChildren.isEmpty, inputShape: shapes?.0, outputShape: shapes?.1,
                parameters: m.parameterCount(), trainableParameters: m.parameterCount(trainableOnly: true),
                layerGroups: groups)
        }
        inputShape = batch.shape
        outputShape = output.shape
        totalParameters = model.parameterCount()
        trainableParameters = model.parameterCount(trainableOnly: true)
    }
}
