import Fastai
import Foundation
import NN
import Tensors
import Testing

/// create_cnn's facts against a Python reference of fastai v1 run on torchvision
/// (Tests/FastaiTests/Fixtures/fastai_v1_facts.json, made by scripts/make_fixtures.py).
@Suite struct ReferenceFactsTests {
    struct Facts: Decodable {
        struct Shape: Decodable {
            var index: Int
            var type: String
            var shape: [Int]
        }
        struct Head: Decodable {
            var type: String
            var features: Int?
            var p: Double?
            var `in`: Int?
            var out: Int?
        }
        struct Params: Decodable {
            var total: Int, body: Int, head: Int
            var trainable_after_freeze: Int, trainable_after_freeze_to_1: Int, trainable_after_unfreeze: Int
        }
        struct Group: Decodable {
            var leaves: Int
            var params: Int
            var trainable_after_freeze: Int
        }
        enum PsArg: Decodable {
            case one(Double)
            case many([Double])
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let v = try? c.decode(Double.self) { self = .one(v) } else { self = .many(try c.decode([Double].self)) }
            }
        }
        var arch: String
        var classes: Int
        var cut: Int?
        var lin_ftrs_arg: [Int]?
        var ps_arg: PsArg
        var body_children: Int
        var body_child_types: [String]
        var dummy_shapes: [Shape]
        var error: String?
        var features: Int?
        var nf: Int?
        var head: [Head]?
        var params: Params?
        var leaves: Int?
        var layer_groups: [Group]?
        var split_leaf_indices: [Int]?
        var body_bn_params: Int?
        var output_shape_224_batch2: [Int]?
    }

    static let facts: [String: Facts] = {
        guard let url = Bundle.module.url(forResource: "fastai_v1_facts", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return [:] }
        struct File: Decodable { var cases: [String: Facts] }
        return (try? JSONDecoder().decode(File.self, from: data).cases) ?? [:]
    }()

    /// No weights file is looked up: tests must not depend on a user's cache.
    static let noWeights = PretrainedWeights(searched: [], file: nil)

    static func build(_ key: String, _ f: Facts) throws -> CNNBuild {
        let arch = try #require(Architecture(rawValue: f.arch))
        let defaultMeta = key.hasSuffix(":default_meta") || key.hasSuffix(":cut_none")
        let cut: Cut? = key.hasSuffix(":cut_none") ? .lastPool : defaultMeta ? ModelMeta.default.cut : nil
        let ps: DropoutSpec =
            switch f.ps_arg {
            case .one(let p): .single(Float(p))
            case .many(let ps): .list(ps.map(Float.init))
            }
        let data = f.classes == 37 ? DataBunch.pets : try DataBunch(classCount: f.classes)
        return try createCNN(
            data: data, arch: arch, cut: cut, pretrained: true, linFtrs: f.lin_ftrs_arg, ps: ps,
            splitOn: defaultMeta ? ModelMeta.default.split : nil, weights: noWeights)
    }

    @Test func fixtureIsPresent() { #expect(Self.facts.count >= 18) }

    @Test(arguments: facts.keys.sorted().filter { !$0.hasPrefix("resnet101") && !$0.hasPrefix("resnet152") })
    func matchesFastaiV1(key: String) throws {
        let f = try #require(Self.facts[key])
        if f.error != nil {
            #expect(throws: (any Error).self) { try Self.build(key, f) }
            return
        }
        let b = try Self.build(key, f)
        #expect(b.body.children.count == f.body_children)
        #expect(b.body.children.map(\.typeName) == f.body_child_types)
        #expect(b.probe.childShapes == f.dummy_shapes.map(\.shape))
        #expect(b.probe.features == f.features)
        #expect(b.nf == f.nf)
        let head = b.head.namedChildren.map { CNNFacts.headLayer($0.module) }
        let expectedHead = try #require(f.head)
        #expect(head.map(\.type) == expectedHead.map(\.type))
        #expect(head.map(\.features) == expectedHead.map(\.features))
        #expect(head.map { $0.p.map { ($0 * 1e6).rounded() } } == expectedHead.map { $0.p.map { ($0 * 1e6).rounded() } })
        #expect(head.map(\.in) == expectedHead.map(\.in))
        #expect(head.map(\.out) == expectedHead.map(\.out))
        let p = try #require(f.params)
        let learner = b.learner
        #expect(b.model.parameterCount() == p.total)
        #expect(b.body.parameterCount() == p.body)
        #expect(b.head.parameterCount() == p.head)
        #expect(b.model.parameterCount(trainableOnly: true) == p.trainable_after_freeze)
        #expect(b.model.leaves.count == f.leaves)
        #expect(learner.splitIndices == f.split_leaf_indices)
        let groups = try #require(f.layer_groups)
        #expect(learner.layerGroups.map(\.count) == groups.map(\.leaves))
        #expect(learner.layerGroups.map { Learner.parameters(of: $0).reduce(0) { $0 + $1.count } } == groups.map(\.params))
        #expect(
            learner.layerGroups.map { Learner.parameters(of: $0).filter(\.requiresGrad).reduce(0) { $0 + $1.count } }
                == groups.map(\.trainable_after_freeze))
        learner.freezeTo(1)
        #expect(b.model.parameterCount(trainableOnly: true) == p.trainable_after_freeze_to_1)
        learner.unfreeze()
        #expect(b.model.parameterCount(trainableOnly: true) == p.trainable_after_unfreeze)
    }
}
