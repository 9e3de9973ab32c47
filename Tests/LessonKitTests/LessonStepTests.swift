import Fastai
import Foundation
import LessonKit
import NN
import Tensors
import Testing

/// The step types the lesson library added: options validated with clear messages, failures that
/// say what to run first, and the tensor work checked on small cases.
@Suite struct LessonStepTests {
    static func session(_ body: String, front: String = "title: T\narch: resnet18\nimage_size: 64\nclasses: 3\nbatch_size: 2") throws
        -> LessonSession
    {
        try LessonSession(
            lesson: LessonParser.parse("---\n\(front)\n---\n\n\(body)", file: "t.md"),
            locateWeights: { _ in PretrainedWeights(searched: [], file: nil) })
    }

    static func cells(_ steps: [String]) -> String {
        steps.map { "```python\n#| step: \($0.replacingOccurrences(of: "\n", with: "\n#| "))\nx\n```\n" }.joined(separator: "\n")
    }

    static func diagnostics(_ body: String) -> [String] {
        do {
            _ = try session(body)
            return []
        } catch let error as LessonErrors {
            return error.diagnostics.map(\.message)
        } catch {
            return ["\(error)"]
        }
    }

    static let model = ["data", "cnn_config", "create_body", "num_features", "create_head", "sequential"]

    @Test func everyNewStepIsRegistered() {
        for id in [
            "pool_features", "list_copy", "adapt_first_layer", "same_output", "find_cut", "meta_compare", "shared_modules",
            "stage_params", "block", "create_head_v2",
        ] {
            #expect(StepRegistry.type(id) != nil, "\(id)")
        }
    }

    @Test func optionsAreValidatedWithClearMessages() {
        #expect(Self.diagnostics(Self.cells(Self.model + ["pool_features\nshow: 0"])) == ["show must be between 1 and 16, got 0"])
        #expect(
            Self.diagnostics(Self.cells(Self.model + ["create_head_v2\ny_range: [5, 0]"]))
                == ["y_range expects [low, high] with low < high, such as [0, 5], got '[5, 0]'"])
        #expect(Self.diagnostics(Self.cells(Self.model + ["create_head_v2\nfirst_bn: maybe"])) == ["first_bn expects true or false, got 'maybe'"])
        #expect(
            Self.diagnostics(Self.cells(Self.model + ["block\npath: 4..0"]))
                == ["path expects dotted child names from the body such as 4.0, got '4..0'"])
        #expect(Self.diagnostics(Self.cells(Self.model + ["shared_modules\ntarget: tail"])) == ["target expects head, body or model, got 'tail'"])
        #expect(Self.diagnostics(Self.cells(["pool_features"])).first?.contains("needs body, which the create_body or create_cnn step makes") == true)
    }

    @Test func stepsSayWhatToRunFirst() throws {
        for (step, message) in [
            ("list_copy", "give the cell `#| in_channels: 4`"), ("adapt_first_layer", "give the cell `#| in_channels: 4`"),
        ] {
            let s = try Self.session(Self.cells(Self.model + [step]))
            for _ in Self.model { try s.runNext() }
            do {
                try s.runNext()
                Issue.record("\(step) must fail")
            } catch {
                #expect(error.message.hasPrefix("step \(step) failed: ") && error.message.contains(message), "\(error.message)")
            }
        }
    }

    /// same_output reads the layers adapt_first_layer replaced: `check` orders them (it used to
    /// find out only when the lesson ran).
    @Test func checkOrdersStepsByWhatTheyRead() {
        #expect(
            Self.diagnostics(Self.cells(Self.model + ["same_output"])).first?.contains(
                "step same_output needs the replaced layers, which the adapt_first_layer step makes") == true)
        #expect(
            Self.diagnostics(Self.cells(["cnn_config", "create_body", "forward"])).first?.contains(
                "needs model, which the sequential or create_cnn step makes")
                == true)
        #expect(Self.diagnostics(Self.cells(["cnn_config", "create_body", "forward\ntarget: body"])).isEmpty)
    }

    @Test func poolFeaturesPutsMaxFirst() throws {
        let s = try Self.session(Self.cells(Self.model + ["pool_features\nshow: 2"]))
        _ = try s.runAll()
        let f = try #require(s.results.last?.facts)
        #expect(f["body_output"] == .shape([1, 512, 2, 2]) && f["cells"] == .int(4))
        #expect(f["concat_shape"] == .shape([1, 1024, 1, 1]) && f["nf"] == .int(1024))
        #expect(f["max_part_diff"] == .real(0) && f["avg_part_diff"] == .real(0))
        let first = try #require(f["channels"]?.member("0"))
        #expect(first.member("concat_value") == first.member("max"))
        #expect(first.member("concat_avg_at") == .int(512) && first.member("concat_avg_value") == first.member("avg"))
    }

    @Test func fourChannelsOnResnet18() throws {
        let s = try Self.session(
            Self.cells(Self.model + ["list_copy\nin_channels: 4", "adapt_first_layer\nin_channels: 4", "same_output\nin_channels: 4"]))
        _ = try s.runAll()
        let facts = Dictionary(s.results.map { ($0.cell.id, $0.facts) }, uniquingKeysWith: { $1 })
        #expect(facts["list_copy"]?["same_object"] == .bool(false) && facts["list_copy"]?["body_in_channels"] == .int(3))
        #expect(facts["adapt_first_layer"]?["path"] == .text("0") && facts["adapt_first_layer"]?["new_shape"] == .shape([64, 4, 7, 7]))
        #expect(facts["same_output"]?["extra_effect"] == .real(0))
        // The adapted conv stays in the model after the proof swapped the old one in and out.
        #expect(try inChannels(s.context[Slots.body]!) == 4)
    }

    @Test func findCutOnAResnet() throws {
        let s = try Self.session(Self.cells(["find_cut"]))
        _ = try s.runAll()
        let f = try #require(s.results.last?.facts)
        #expect(f["child_count"] == .int(10) && f["last_pool_name"] == .text("avgpool") && f["pool_keeps"] == .int(8))
        #expect(f["chain_breaks_at"] == .text("fc"))
        // At 64 px layer4 is still a 2×2 map; avgpool makes it 1×1: cut before avgpool, as model_meta says.
        #expect(f["suggested_cut"] == .int(-2) && f["meta_cut"] == .text("-2") && f["agrees"] == .bool(true))
    }

    @Test func metaCompareLeavesTheSharedModelAsItFoundIt() throws {
        let s = try Self.session(Self.cells(["data", "find_cut", "meta_compare"]))
        _ = try s.runAll()
        let full = try #require(s.context[Slots.architecture]?.model)
        #expect(full.parameters.allSatisfy { $0.requiresGrad })
        let f = try #require(s.results.last?.facts)
        #expect(f["fastai"]?.member("groups") == .int(3) && f["default"]?.member("groups") == .int(2))
        // cut=None on a resnet keeps everything before avgpool: the same body as model_meta's -2.
        #expect(f["cut_none"]?.member("body_children") == .int(8) && f["cut_none"]?.member("nf") == .int(1024))
    }

    @Test func stageParamsAndBlock() throws {
        let s = try Self.session(Self.cells(["data", "cnn_config", "create_body", "stage_params", "block\npath: 5.0"]))
        _ = try s.runAll()
        let stages = s.results[3].facts
        #expect(stages["total"] == .int(11_176_512) && stages["largest"] == .int(7))
        let block = s.results[4].facts
        #expect(block["type"] == .text("BasicBlock") && block["convs"] == .int(3))
        #expect(block["in_shape"] == .shape([1, 64, 16, 16]) && block["out_shape"] == .shape([1, 128, 8, 8]))
        let s2 = try Self.session(Self.cells(["data", "cnn_config", "create_body", "block\npath: 9"]))
        _ = try s2.runNext()
        _ = try s2.runNext()
        _ = try s2.runNext()
        do {
            try s2.runNext()
            Issue.record("a missing path must fail")
        } catch {
            #expect(error.message.contains("body.9 does not exist: Sequential has children 0, 1, 2, 3, 4, 5, 6, 7"))
        }
    }

    // MARK: fastai v2's create_head

    @Test func v2HeadDefaults() throws {
        var g = RandomGenerator(seed: 1)
        let (head, plan) = try createHeadV2(nf: 512, nOut: 37, generator: &g)
        #expect(plan.nf == 1024 && plan.sizes == [1024, 512, 37] && plan.ps == [0.25, 0.5])
        #expect(
            head.namedChildren.map(\.module.typeName) == [
                "AdaptiveConcatPool2d", "Flatten", "BatchNorm1d", "Dropout", "Linear", "ReLU", "BatchNorm1d", "Dropout", "Linear",
            ])
        #expect(head.parameterCount() == 546_304)
        #expect(head.modules.compactMap { $0 as? Linear }.allSatisfy { $0.bias == nil })
        // v2's BatchNorm(n, ndim=1) starts with a bias of 1e-3.
        #expect((head[2] as? BatchNorm)?.bias.value.storage.allSatisfy { $0 == 1e-3 } == true)
        let out = try head(Tensor.normal([2, 512, 3, 3], generator: &g))
        #expect(out.shape == [2, 37])
    }

    @Test func v2HeadSwitches() throws {
        var g = RandomGenerator(seed: 1)
        var options = HeadOptionsV2()
        options.linFirst = true
        let (linFirst, _) = try createHeadV2(nf: 512, nOut: 10, options: options, generator: &g)
        // lin_first pops the first dropout to after Flatten, so zip keeps one block, then a final Linear.
        #expect(
            linFirst.namedChildren.map(\.module.typeName) == [
                "AdaptiveConcatPool2d", "Flatten", "Dropout", "Linear", "ReLU", "BatchNorm1d", "Dropout", "Linear",
            ])
        #expect((linFirst[7] as? Linear)?.inFeatures == 512 && (linFirst[7] as? Linear)?.bias != nil)
        options = HeadOptionsV2()
        options.bnFinal = true
        options.yRange = [0, 5]
        options.concatPool = false
        let (head, plan) = try createHeadV2(nf: 512, nOut: 1, options: options, generator: &g)
        #expect(plan.nf == 512)
        #expect(head.namedChildren.map(\.module.typeName).suffix(2) == ["BatchNorm1d", "SigmoidRange"])
        head.eval()
        let y = try head(Tensor.normal([3, 512, 2, 2], std: 10, generator: &g))
        #expect(y.shape == [3, 1] && y.storage.allSatisfy { $0 > 0 && $0 < 5 })
    }
}
