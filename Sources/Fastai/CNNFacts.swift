import NN
import Tensors

/// The measured facts about a built `create_cnn` model, with stable snake_case keys for JSON.
public struct CNNFacts: Codable, Sendable, Equatable {
    public struct DummyShape: Codable, Sendable, Equatable {
        public var index: Int
        public var type: String
        public var shape: [Int]
    }
    public struct Body: Codable, Sendable, Equatable {
        public var children: Int
        public var childTypes: [String]
        public var dummySize: Int
        public var dummyShapes: [DummyShape]
        enum CodingKeys: String, CodingKey {
            case children
            case childTypes = "child_types"
            case dummySize = "dummy_size"
            case dummyShapes = "dummy_shapes"
        }
    }
    public struct HeadLayer: Codable, Sendable, Equatable {
        public var type: String
        public var features: Int?
        public var p: Double?
        public var `in`: Int?
        public var out: Int?
    }
    public struct Params: Codable, Sendable, Equatable {
        public var total: Int
        public var body: Int
        public var head: Int
        public var trainable: Int
    }
    public struct LayerGroup: Codable, Sendable, Equatable {
        public var leaves: Int
        public var params: Int
        public var trainable: Int
    }

    public var arch: String
    public var classes: Int
    public var cut: String
    public var split: String
    public var features: Int
    public var nf: Int
    public var pretrained: Bool
    public var pretrainedLoaded: Bool
    /// The weights file loaded and its hash status (nil when none was loaded).
    public var weights: String?
    public var body: Body
    public var head: [HeadLayer]
    public var params: Params
    public var layerGroups: [LayerGroup]
    public var outputShape: [Int]?

    enum CodingKeys: String, CodingKey {
        case arch, classes, cut, split, features, nf, pretrained, body, head, params, weights
        case pretrainedLoaded = "pretrained_loaded"
        case layerGroups = "layer_groups"
        case outputShape = "output_shape"
    }

    /// Reads the facts off a build; `outputShape` is filled in by whoever ran a batch.
    public init(_ build: CNNBuild, outputShape: [Int]? = nil) {
        let learner = build.learner
        arch = build.arch.rawValue
        classes = learner.data.c
        cut = build.cut.description
        split = build.meta.splitDescription
        features = build.probe.features
        nf = build.nf
        pretrained = build.weights != nil
        pretrainedLoaded = build.pretrainedLoaded
        weights = build.pretrainedLoaded ? build.weights?.summary : nil
        let kids = build.body.children
        body = Body(
            children: kids.count, childTypes: kids.map(\.typeName), dummySize: build.probe.size,
            dummyShapes: zip(kids, build.probe.childShapes).enumerated().map {
                DummyShape(index: $0.offset, type: $0.element.0.typeName, shape: $0.element.1)
            })
        head = build.head.namedChildren.map { CNNFacts.headLayer($0.module) }
        params = Params(
            total: build.model.parameterCount(), body: build.body.parameterCount(), head: build.head.parameterCount(),
            trainable: build.model.parameterCount(trainableOnly: true))
        layerGroups = learner.layerGroups.map { group in
            let ps = Learner.parameters(of: group)
            return LayerGroup(
                leaves: group.count, params: ps.reduce(0) { $0 + $1.count },
                trainable: ps.filter(\.requiresGrad).reduce(0) { $0 + $1.count })
        }
        self.outputShape = outputShape
    }

    /// The facts of one head layer that a reader checks: sizes and dropout.
    public static func headLayer(_ m: Module) -> HeadLayer {
        var layer = HeadLayer(type: m.typeName)
        if let bn = m as? BatchNorm { layer.features = bn.numFeatures }
        if let d = m as? Dropout { layer.p = (Double(d.p) * 1e6).rounded() / 1e6 }
        if let l = m as? Linear {
            layer.in = l.inFeatures
            layer.out = l.outFeatures
        }
        return layer
    }
}
