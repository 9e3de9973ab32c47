import Fastai
import Foundation
import LessonKit
import Testing

/// The lessons in `Lessons/`: each checks, runs end to end, and its key facts match the reference
/// numbers (REFERENCE.md) and the PyTorch-made fixtures (Tests/FastaiTests/Fixtures).
@Suite struct LessonLibraryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let lessonsFolder = root.appendingPathComponent("Lessons")

    static var lessonFiles: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: lessonsFolder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "md" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// One case of `fastai_v1_facts.json`, as loose JSON.
    static func fixture(_ key: String) throws -> [String: Any] {
        let url = root.appendingPathComponent("Tests/FastaiTests/Fixtures/fastai_v1_facts.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return try #require((json?["cases"] as? [String: Any])?[key] as? [String: Any], "fixture case \(key)")
    }

    /// Runs a lesson from `Lessons/` with no weights file; returns its facts by cell id and its resolved prose.
    static func run(_ name: String, overrides: [(String, String)] = []) throws -> (facts: [String: Facts], prose: String) {
        let lesson = try LessonParser.read(lessonsFolder.appendingPathComponent(name))
        let session = try LessonSession(
            lesson: lesson, overrides: overrides, locateWeights: { _ in PretrainedWeights(searched: [], file: nil) })
        let segments = try session.runAll()
        // Line breaks in the source are not the reader's concern: compare prose with single spaces.
        let prose = segments.compactMap { if case .prose(let p) = $0 { return p } else { return nil } }.joined(separator: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var facts: [String: Facts] = [:]
        for r in session.results { facts[r.cell.id] = r.facts }
        return (facts, prose)
    }

    // MARK: The library as a whole

    @Test func theLibraryHasTwelveLessons() {
        #expect(Self.lessonFiles.map { String($0.lastPathComponent.prefix(2)) } == (1...12).map { String(format: "%02d", $0) })
    }

    @Test(arguments: lessonFiles)
    func everyLessonChecks(_ file: URL) throws {
        let lesson = try LessonParser.read(file)
        let checked = try LessonChecker.check(lesson)
        #expect(!checked.steps.isEmpty)
        #expect(!lesson.title.isEmpty && lesson.front.contains { $0.key == "summary" })
    }

    /// Lines of prose that type a number by hand. Numbers must come from `{{facts}}`; code spans,
    /// identifiers (`resnet34`, `Conv2d`), version numbers and heading numbering are not measurements.
    static func typedNumbers(in lesson: Lesson) throws -> [String] {
        let stripped = try NSRegularExpression(pattern: #"\{\{[^}]*\}\}|`[^`]*`|\b\d+\.\d+\.\d+\b|^#+\s+\d+\.\s"#)
        let digit = try NSRegularExpression(pattern: #"(?<![\p{L}\d_])\d"#)
        var found: [String] = []
        for case .prose(let prose) in lesson.items {
            var fence = false
            for (offset, line) in prose.markdown.components(separatedBy: "\n").enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                    fence.toggle()
                    continue
                }
                if fence { continue }
                let text = stripped.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line), withTemplate: " ")
                if digit.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                    found.append("\(lesson.file):\(prose.line + offset): \(line)")
                }
            }
        }
        return found
    }

    @Test(arguments: lessonFiles)
    func proseTypesNoNumbers(_ file: URL) throws {
        let found = try Self.typedNumbers(in: LessonParser.read(file))
        #expect(found.isEmpty, "numbers typed by hand:\n\(found.joined(separator: "\n"))")
    }

    @Test func theNumberCheckCatchesTypedNumbers() throws {
        let lesson = try LessonParser.parse(
            """
            ---
            title: T
            ---

            ## 1. A heading may be numbered

            The head has 546,853 parameters, `freeze_to(1)` is code, {{nf}} is a fact,
            resnet34 and Conv2d are names, fastai 1.0.48 is a version, and 0.5 is typed.
            """, file: "t.md")
        let found = try Self.typedNumbers(in: lesson)
        #expect(
            found == [
                "t.md:7: The head has 546,853 parameters, `freeze_to(1)` is code, {{nf}} is a fact,",
                "t.md:8: resnet34 and Conv2d are names, fastai 1.0.48 is a version, and 0.5 is typed.",
            ])
    }

    // MARK: 1. What goes on behind create_cnn

    @Test func lesson1MatchesTheReference() throws {
        let (f, prose) = try Self.run("01-behind-create-cnn.md")
        let r34 = try Self.fixture("resnet34")
        #expect(f["num_features"]?["nf"] == .int(1024))
        #expect(f["sequential"]?.lookup(["params", "total"]) == .int(21_831_525))
        #expect(f["sequential"]?.lookup(["params", "head"]) == .int(r34["params"].flatMap { ($0 as? [String: Any])?["head"] as? Int } ?? -1))
        #expect(f["split"]?["leaves"] == .int(100))
        #expect(f["freeze"]?["trainable"] == .int(563_877))
        #expect(f["forward"]?["output_shape"] == .shape([4, 37]))
        #expect(f["create_body"]?["out_shape"] == .shape([1, 512, 7, 7]))
        #expect(prose.contains("`[4, 3, 224, 224]`, becomes `[4, 37]`"))
        #expect(prose.contains("21,831,525 parameters in all"))
    }

    @Test func lesson1ReadsTrueForResnet50() throws {
        let (f, prose) = try Self.run("01-behind-create-cnn.md", overrides: [("arch", "resnet50")])
        let fx = try Self.fixture("resnet50")
        let params = try #require(fx["params"] as? [String: Any])
        #expect(f["num_features"]?["nf"] == .int(4096))
        #expect(prose.contains("on a resnet50 this time"))
        #expect(prose.contains("what comes out — 2048. Then it doubles it, to 4096."))
        #expect(prose.contains("25,633,893 parameters in all, of which the new head brings 2,125,861"))
        #expect(params["total"] as? Int == 25_633_893 && params["head"] as? Int == 2_125_861)
        #expect(prose.contains("that is 2,178,981 of 25,633,893 parameters"))
        #expect(prose.contains("The 134 leaf layers now fall into 3 groups"))
    }

    @Test func lesson1ReadsTrueForResnet18WithTenClasses() throws {
        let (f, prose) = try Self.run("01-behind-create-cnn.md", overrides: [("arch", "resnet18"), ("classes", "10")])
        // resnet18's body (fixture) and a head for 10 classes: BN 2048 + Linear 524,800 + BN 1024 + Linear 5130.
        let body = try #require(Self.fixture("resnet18")["body_params"] as? Int)
        let head = 2_048 + 524_800 + 1_024 + 5_130
        #expect(f["sequential"]?.lookup(["params", "total"]) == .int(body + head))
        #expect(prose.contains("So the model must end in 10 outputs"))
        #expect(prose.contains("through the sizes `[1024, 512, 10]`"))
        #expect(prose.contains("becomes `[4, 10]`: one row of 10 scores per image"))
        #expect(prose.contains("of which the new head brings 533,002"))
    }

    @Test func lesson1ReadsTrueForDensenet121() throws {
        let (f, prose) = try Self.run("01-behind-create-cnn.md", overrides: [("arch", "densenet121")])
        let fx = try Self.fixture("densenet121")
        let params = try #require(fx["params"] as? [String: Any])
        #expect(f["cnn_config"]?["cut"] == .text("-1"))
        #expect(prose.contains("cut at `-1`, and split the layers at `(m[0][0][7], m[1])`"))
        #expect(prose.contains("The cut keeps 1 of the model's children"))
        #expect(prose.contains("leaves the body as `[1, 1024, 7, 7]`"))
        #expect(prose.contains("— 1024. Then it doubles it, to 2048."))
        #expect(prose.contains("8,027,045 parameters in all, of which the new head brings 1,073,189"))
        #expect(params["total"] as? Int == 8_027_045 && params["trainable_after_freeze"] as? Int == 1_156_837)
        #expect(prose.contains("that is 1,156,837 of 8,027,045 parameters"))
        #expect(prose.contains("The 375 leaf layers now fall into 3 groups"))
    }

    // MARK: 2. cut and split

    @Test func lesson2CutsAndSplits() throws {
        let (f, prose) = try Self.run("02-cut-and-split.md")
        let fx = try Self.fixture("resnet34")
        let params = try #require(fx["params"] as? [String: Any])
        #expect(f["create_body"]?["children"] == .int(fx["body_children"] as? Int ?? -1))
        #expect(f["split"]?["split_indices"] == .list([.int(41), .int(90)]))
        let leaves = MDList(f["split"]?["layer_groups"]).map { $0.member("leaves") }
        #expect(leaves == [.int(41), .int(49), .int(10)])
        #expect(f["freeze"]?["trainable"] == .int(params["trainable_after_freeze"] as? Int ?? -1))
        #expect(f["freeze"]?["batchnorm_trainable"] == .int(fx["body_bn_params"] as? Int ?? -1))
        #expect(f["freeze_to_1"]?["trainable"] == .int(params["trainable_after_freeze_to_1"] as? Int ?? -1))
        #expect(f["freeze_to_1"]?["batchnorm_trainable"] == .int(3200))
        #expect(f["unfreeze"]?["trainable"] == .int(params["trainable_after_unfreeze"] as? Int ?? -1))
        #expect(prose.contains("Now 20,486,821 parameters train"))
        #expect(prose.contains("all 21,831,525 parameters train"))
    }

    /// The study-group guide suggests these overrides; their prose must follow.
    @Test func lessons2And6ReadTrueUnderTheGuidesOverrides() throws {
        let (_, split) = try Self.run("02-cut-and-split.md", overrides: [("arch", "resnet50")])
        let r50 = try #require(Self.fixture("resnet50")["params"] as? [String: Any])
        #expect(split.contains(#"at leaves \[57, 124\]. That makes 3 groups, of 57, 67 and 10 leaves"#))
        #expect(split.contains("Now \(FactValue.int(r50["trainable_after_freeze_to_1"] as? Int ?? -1).prose) parameters train"))
        let (_, head) = try Self.run("06-shaping-the-head.md", overrides: [("classes", "2")])
        #expect(head.contains("256 numbers per image where there should be 2 class scores"))
        #expect(head.contains(#"the sizes are \[1024, 512, 2\]: one hidden layer"#))
    }

    // MARK: 3. Why nf is doubled

    @Test func lesson3PoolsBothWays() throws {
        let (f, prose) = try Self.run("03-why-nf-is-doubled.md")
        let pool = try #require(f["pool_features"])
        #expect(pool["body_output"] == .shape([1, 512, 7, 7]))
        #expect(pool["concat_shape"] == .shape([1, 1024, 1, 1]))
        #expect(pool["nf"] == f["num_features"]?["nf"])
        #expect(pool["max_part_diff"] == .real(0) && pool["avg_part_diff"] == .real(0))
        #expect(f["avg_head"]?["lin_ftrs"] == .list([.int(512), .int(37)]))
        #expect(f["avg_head"]?["params"] == .int(512 * 37 + 37))
        #expect(f["concat_head"]?["params"] == .int(546_853))
        #expect(prose.contains("**max first**: its output has 1024 channels"))
        // What proves the two halves differ: a spread of max ÷ mean and a rank correlation below one,
        // not "the max is above the mean" (it always is).
        #expect(pool["max_above_avg"] == nil)
        guard case .number(let rho, _)? = pool["rank_correlation"], case .number(let low, _)? = pool["smallest_ratio"],
            case .number(let high, _)? = pool["largest_ratio"]
        else {
            Issue.record("no rank correlation or ratios")
            return
        }
        #expect(rho > -1 && rho < 1)
        #expect(low >= 1 && high > low && high < 49.05, "a 7×7 map's max is at most 49 times its mean")
        let counted = MDCount.channels(pool["ratio_bins"]) + (pool["zero_channels"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0)
        #expect(counted == 512, "every channel is in the chart or counted as all zero")
        #expect(prose.replacingOccurrences(of: "\\.", with: ".").contains("rank correlation is \(pool["rank_correlation"]?.prose ?? "?")"))
    }

    // MARK: 4. Four input channels

    @Test func lesson4AdaptsTheFirstConvAndProvesIt() throws {
        let (f, prose) = try Self.run("04-four-input-channels.md")
        #expect(f["list_copy"]?["list_in_channels"] == .int(4))
        #expect(f["list_copy"]?["body_in_channels"] == .int(3))
        #expect(f["list_copy"]?["changed"] == .bool(false))
        let error = f["forward"]?["error"]?.prose ?? ""
        #expect(error.contains("weight of size [64, 3, 7, 7], expected input[2, 4, 128, 128] to have 3 channels, but got 4 channels instead"))
        #expect(f["adapt_first_layer"]?["new_shape"] == .shape([64, 4, 7, 7]))
        #expect(f["adapt_first_layer"]?["rgb_diff"] == .real(0) && f["adapt_first_layer"]?["extra_max"] == .real(0))
        #expect(f["adapt_first_layer"]?["params_added"] == .int(64 * 7 * 7))
        #expect(f["adapt_first_layer"]?["pretrained_loaded"] == .bool(false))
        let proof = try #require(f["same_output"])
        #expect(proof["extra_effect"] == .real(0))
        guard case .real(let relative)? = proof["relative_diff"] else {
            Issue.record("no relative_diff")
            return
        }
        #expect(relative < 1e-5)
        #expect(proof["terms_before"] == .int(147) && proof["terms_after"] == .int(196))
        // The sentence about rounding says what the run found, either way.
        let exact = proof["identical"] == .bool(true)
        #expect(proof["rounding"]?.prose.hasPrefix(exact ? "Not even float rounding shows" : "That is float rounding") == true)
        #expect(prose.contains("adds up 196 products for each output instead of 147"))
        #expect(prose.contains("torchvision's random initialisation (no weights file installed)"))
        // The failing layer is named the way Python reaches it, and the recipe is fastai v1's.
        #expect(f["forward"]?["error_layer"] == .text("model[0][0]"))
        #expect(prose.contains("stops at the very first layer: `model[0][0]`"))
        #expect(!prose.contains("_update_first_layer(model[0]"))
        #expect(prose.contains("Call `learn.split(...)` and `learn.freeze()` again"))
    }

    // MARK: 5. A model fastai has no meta for

    @Test func lesson5SaysWhatFastaiDoesByVersion() throws {
        let (f, prose) = try Self.run("05-a-model-without-meta.md")
        // freeze_to(1) with the groups [body, head] is freeze(), not an unfreeze of the body.
        #expect(!prose.contains("unfreezes the whole body"))
        #expect(prose.contains("with the two groups [body, head] it freezes the body and trains the head, exactly what `freeze()` does"))
        // The rows say which arch and which fastai version, not "_default_meta since 1.0.48" for densenet121.
        #expect(f["meta_compare"]?["cut_none"]?.member("meta") == .text("a wrapper, fastai ≥ 1.0.53: _default_meta"))
        // A later `#| arch: vgg16_bn` cell does not rename densenet121 in the closing sentence.
        #expect(prose.contains("For densenet121 that rule says `cut=-1`, and for vgg16\\_bn"))
        #expect(prose.contains("and so makes four groups"))
    }

    @Test func lesson5ComparesMetasWithTheFixtures() throws {
        let (f, _) = try Self.run("05-a-model-without-meta.md")
        for (id, arch) in [("meta_compare", "densenet121"), ("vgg_meta", "vgg16_bn")] {
            for (key, fixtureKey) in [("fastai", arch), ("default", "\(arch):default_meta"), ("cut_none", "\(arch):cut_none")] {
                let fx = try Self.fixture(fixtureKey)
                let row = try #require(f[id]?[key], "\(id).\(key)")
                #expect(row.member("body_children") == .int(fx["body_children"] as? Int ?? -1), "\(fixtureKey)")
                #expect(row.member("body_params") == .int(fx["body_params"] as? Int ?? -1), "\(fixtureKey)")
                if let error = fx["error"] as? String {
                    #expect(row.member("error")?.prose.contains("No weight layer") == true && error.contains("No weight layer"))
                    continue
                }
                let params = try #require(fx["params"] as? [String: Any])
                let groups = try #require(fx["layer_groups"] as? [[String: Any]])
                #expect(row.member("nf") == .int(fx["nf"] as? Int ?? -1), "\(fixtureKey)")
                #expect(row.member("group_leaves") == .list(groups.map { .int($0["leaves"] as? Int ?? -1) }), "\(fixtureKey)")
                #expect(row.member("group_params") == .list(groups.map { .int($0["params"] as? Int ?? -1) }), "\(fixtureKey)")
                #expect(row.member("trainable") == .int(params["trainable_after_freeze"] as? Int ?? -1), "\(fixtureKey)")
                #expect(row.member("total") == .int(params["total"] as? Int ?? -1), "\(fixtureKey)")
            }
        }
        #expect(f["find_cut"]?["last_pool"] == .int(0) && f["find_cut"]?["pool_keeps"] == .int(0))
        #expect(f["find_cut"]?["pool_error"] == .text("num_features_model: No weight layer"))
        #expect(f["vgg_cut"]?["pool_body"] == .list([.text("features")]))
        for id in ["find_cut", "vgg_cut"] {
            #expect(f[id]?["suggested_cut"] == .int(-1) && f[id]?["agrees"] == .bool(true))
        }
    }

    // MARK: 6. Shaping the head

    @Test func lesson6ShapesTheHeadLikeFastai() throws {
        let (f, prose) = try Self.run("06-shaping-the-head.md")
        func headParams(_ key: String) throws -> Int {
            try #require((Self.fixture(key)["params"] as? [String: Any])?["head"] as? Int)
        }
        #expect(f["two_hidden"]?["params"] == .int(try headParams("resnet34:lin512-256")))
        #expect(f["two_hidden"]?["lin_ftrs"] == .list([1024, 512, 256, 37].map(FactValue.int)))
        let lin = try Self.fixture("resnet34:lin512-256")
        #expect(f["shared_modules"]?["slots"] == .int(lin["head_slots"] as? Int ?? -1))
        #expect(f["shared_modules"]?["children"] == .int(lin["head_children"] as? Int ?? -1))
        #expect(f["shared_modules"]?["leaves"] == .int(lin["head_leaves"] as? Int ?? -1))
        #expect(f["shared_modules"]?["shared_count"] == .int(1))
        let ps0 = try Self.fixture("resnet34:ps0")
        #expect(MDList(f["no_dropout"]?["layers"]).count == ps0["head_children"] as? Int)
        #expect(!MDList(f["no_dropout"]?["layers"]).contains { $0.member("type") == .text("Dropout") })
        #expect(f["no_dropout"]?["params"] == .int(try headParams("resnet34:ps0")))
        #expect(f["one_p"]?["ps"] == .list([.real(Double(Float(0.3) / 2)), .real(Double(Float(0.3)))]))
        let short = try Self.fixture("resnet34:lin512-256:ps_short")
        #expect(f["short_ps"]?["params"] == .int(try headParams("resnet34:lin512-256:ps_short")))
        #expect(f["short_ps"]?["truncated"] == .int(1))
        #expect(f["forward"]?["output_shape"] == .shape([2, (short["output_shape_224_batch2"] as? [Int])?.last ?? -1]))
        #expect(f["custom"]?["params"] == .int(512 * 37 + 37))
        #expect(prose.contains("256 numbers per image where there should be 37 class scores"))
    }

    // MARK: 7. Deeper: resnet50

    @Test func lesson7CountsResnet50() throws {
        let (f, prose) = try Self.run("07-deeper-resnet50.md")
        // resnet34's body, built after resnet50's head, does not inherit that head in its pipeline line.
        #expect(f["r34_body"]?["pipeline"] == .text("3×224×224 → body → 512×7×7"))
        let fx = try Self.fixture("resnet50")
        let params = try #require(fx["params"] as? [String: Any])
        #expect(f["num_features"]?["nf"] == .int(4096))
        #expect(f["create_head"]?["params"] == .int(params["head"] as? Int ?? -1))
        #expect(f["freeze"]?["total"] == .int(params["total"] as? Int ?? -1))
        #expect(f["freeze"]?["trainable"] == .int(params["trainable_after_freeze"] as? Int ?? -1))
        #expect(f["freeze"]?["batchnorm_trainable"] == .int(fx["body_bn_params"] as? Int ?? -1))
        #expect(f["block"]?["type"] == .text("Bottleneck") && f["block"]?["expansion"] == .int(4))
        #expect(f["r34_block"]?["type"] == .text("BasicBlock"))
        let stages = MDList(f["stage_params"]?["stages"]).compactMap { if case .int(let n)? = $0.member("params") { n } else { nil } }
        #expect(stages.reduce(0, +) == fx["body_params"] as? Int)
        #expect(f["r34_head"]?["params"] == .int(546_853))
        #expect(prose.contains("2,125,861 parameters against 546,853"))
    }

    // MARK: 8. fastai v1 to v2

    @Test func lesson8BuildsBothHeads() throws {
        let (f, prose) = try Self.run("08-fastai-v1-to-v2.md")
        // v2's Linear layers after a BatchNorm have no bias: apply_init says so instead of "zeroes their biases".
        #expect(f["apply_init"]?["count"] == .int(2) && f["apply_init"]?["zeroed_biases"] == .int(0))
        #expect(!prose.contains("learn.split(meta['split'])"))
        #expect(prose.contains("v2's Learner has no `split` method"))
        #expect(f["v1_head"]?["params"] == .int(546_853))
        #expect(f["v2_head"]?["params"] == .int(546_304))
        #expect(f["v2_head"]?["fewer_than_v1"] == .int(549) && f["v2_head"]?["missing_biases"] == .int(549))
        #expect(f["v2_head"]?["features"] == .int(512) && f["v2_head"]?["nf"] == .int(1024))
        #expect(f["v2_model"]?["total"] == .int(21_284_672 + 546_304))
        #expect(f["freeze"]?["trainable"] == .int(546_304 + 17_024))
        #expect(f["forward"]?["output_shape"] == .shape([2, 37]))
        #expect(f["no_first_bn"]?["linear_biases"] == .int(1))
        #expect(f["n_in"]?["params_after"] == .int(21_284_672 + 64 * 7 * 7) && f["n_in"]?["new_shape"] == .shape([64, 4, 7, 7]))
        #expect(prose.contains("The head has 546,304 parameters: 549 fewer than v1's"))
    }

    func MDList(_ v: FactValue?) -> [FactValue] {
        if case .list(let items)? = v { return items }
        return []
    }
}

/// Sums the `channels` of lesson 3's histogram bars.
enum MDCount {
    static func channels(_ bins: FactValue?) -> Int {
        guard case .list(let items)? = bins else { return -1 }
        return items.reduce(0) { sum, bin in if case .int(let n)? = bin.member("channels") { sum + n } else { sum } }
    }
}
