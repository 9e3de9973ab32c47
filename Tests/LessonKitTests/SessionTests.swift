import Foundation
import LessonKit
import Testing

@Suite struct SessionTests {
    func run() throws -> (LessonSession, [RunSegment]) {
        let lesson = try LessonParser.read(Support.fixture("small.md"))
        let session = try LessonSession(lesson: lesson, locateWeights: Support.noWeights)
        return (session, try session.runAll())
    }

    @Test func factsOfTheNineSteps() throws {
        let (s, _) = try run()
        let facts = Dictionary(s.results.map { ($0.cell.id, $0.facts) }, uniquingKeysWith: { $1 })
        #expect(facts["data"]?["c"] == .int(5))
        #expect(facts["cnn_config"]?["cut"] == .text("-2"))
        #expect(facts["create_body"]?["children"] == .int(8))
        #expect(facts["create_body"]?["out_shape"] == .shape([1, 512, 2, 2]))
        #expect(facts["num_features"]?["features"] == .int(512))
        #expect(facts["num_features"]?["nf"] == .int(1024))
        #expect(facts["create_head"]?["ps"] == .list([.real(Double(Float(0.1))), .real(Double(Float(0.2)))]))
        #expect(facts["create_head"]?["lin_ftrs"] == .list([.int(1024), .int(512), .int(5)]))
        #expect(facts["split"]?["groups"] == .int(3))
        // resnet18's body has 11,176,512 parameters, 9,600 of them in BatchNorm layers; the head for
        // 5 classes: BN(1024) 2,048 + Linear(1024, 512) 524,800 + BN(512) 1,024 + Linear(512, 5) 2,565.
        let head = 2_048 + 524_800 + 1_024 + 2_565
        #expect(facts["freeze"]?["total"] == .int(11_176_512 + head))
        #expect(facts["freeze"]?["trainable"] == .int(head + 9_600))
        #expect(facts["thaw"]?["trainable"] == .int(11_176_512 + head))
        let layers = MDItems(facts["apply_init"]?["layers"])
        #expect(layers.count == 2)
        #expect(facts["forward"]?["output_shape"] == .shape([2, 5]))
    }

    @Test func proseCarriesComputedNumbers() throws {
        let (_, segments) = try run()
        let prose = segments.compactMap { if case .prose(let p) = $0 { return p } else { return nil } }.joined(separator: "\n")
        #expect(prose.contains("There are 5 classes and the lesson's arch is resnet18."))
        #expect(prose.contains("So `nf = 1024` and the body ends in \\[1, 512, 2, 2\\]."))
        #expect(prose.contains("After `freeze()`: 540,037 trainable; after `unfreeze()`: 11,706,949."))
    }

    /// A cell's own `#| arch:` stays in that cell: prose before and after it means the lesson's
    /// arch by `{{arch}}`, and the cell's by its id.
    @Test func aCellOverrideDoesNotLeakIntoOtherSentences() throws {
        let text = Support.lesson(
            """
            Before: {{arch}}.

            ```python
            #| step: cnn_config
            meta = cnn_config(arch)
            ```

            After the lesson's own: {{arch}}.

            ```python
            #| step: cnn_config
            #| id: vgg_meta
            #| arch: vgg16_bn
            meta = cnn_config(models.vgg16_bn)
            ```

            For {{arch}} the cut is {{cnn_config.cut}}, and for {{vgg_meta.arch}} it is {{vgg_meta.cut}}.
            """)
        let segments = try Support.session(text).runAll()
        let prose = segments.compactMap {
            if case .prose(let p) = $0 { return p.trimmingCharacters(in: .whitespacesAndNewlines) } else { return nil }
        }
        #expect(prose == ["Before: resnet18.", "After the lesson's own: resnet18.", #"For resnet18 the cut is \-2, and for vgg16\_bn it is \-1."#])
    }

    @Test func overridesChangeEveryNumber() throws {
        let lesson = try LessonParser.read(Support.fixture("small.md"))
        let s = try LessonSession(lesson: lesson, overrides: [("arch", "resnet50"), ("classes", "10")], locateWeights: Support.noWeights)
        _ = try s.runAll()
        let nf = s.results.first { $0.cell.step == "num_features" }?.facts["nf"]
        #expect(nf == FactValue.int(4096))
        #expect(s.results.last?.facts["output_shape"] == FactValue.shape([2, 10]))
    }

    @Test func aFailingStepNamesFileLineAndStep() throws {
        let s = try Support.session(
            Support.lesson("```python\n#| step: cnn_config\nx\n```\n\n```python\n#| step: create_body\n#| cut: -10\nx\n```\n"))
        try s.runNext()
        do {
            try s.runNext()
            Issue.record("cut -10 must fail")
        } catch {
            #expect(error.file == "t.md" && error.line == 14)
            #expect(error.message.hasPrefix("step create_body failed: cut -10 keeps none of the 10 children of ResNet"))
        }
    }

    @Test func tooSmallImagesFailClearly() throws {
        let s = try Support.session(
            Support.lesson(
                "```python\n#| step: cnn_config\nx\n```\n\n```python\n#| step: create_body\nx\n```\n",
                front: "title: T\narch: squeezenet1_1\nimage_size: 16"))
        try s.runNext()
        #expect(throws: LessonDiagnostic.self) { try s.runNext() }
    }

    @Test func sameSeedSameFacts() throws {
        let (a, _) = try run()
        let (b, _) = try run()
        #expect(a.results.map(\.facts) == b.results.map(\.facts))
    }

    func MDItems(_ v: FactValue?) -> [FactValue] {
        if case .list(let items)? = v { return items }
        return []
    }

    /// The first cells of a lesson up to the body, then a forward pass of the body; `front` and `forwardOptions` vary.
    static func bodyLesson(front: String, forwardOptions: String = "") -> String {
        Support.lesson(
            """
            ```python
            #| step: data
            data = ...
            ```

            ```python
            #| step: cnn_config
            meta = cnn_config(arch)
            ```

            ```python
            #| step: create_body
            body = create_body(arch(pretrained), ifnone(cut, meta['cut']))
            ```

            ```python
            #| step: forward
            #| target: body\(forwardOptions)
            body(x)
            ```
            """, front: front)
    }

    /// An image too small for the arch stops the run at the failing step's line, names the layer
    /// with PyTorch's words, and points at the line that set image_size.
    @Test func anImageTooSmallForTheArchNamesTheLayerAndTheLine() throws {
        let session = try Support.session(Self.bodyLesson(front: "title: T\narch: squeezenet1_1\nimage_size: 8\nclasses: 3"))
        let error = try #require(throws: LessonDiagnostic.self) { try session.runAll() }
        #expect(
            error.description
                == "t.md:19:4: step create_body failed: an image of 8×8 pixels is too small for squeezenet1_1: 0.5 (MaxPool2d) on input [1, 128, 1, 1]: "
                + "Given input size: (128x1x1). Calculated output size: (128x0x0). Output size is too small (image_size 8 is set at t.md:4:1)")
        #expect(session.results.count == 2, "the steps before the body ran")
    }

    @Test func aFactMissingBecauseALayerFailedSaysWhy() throws {
        // find_cut records the child the image did not get through; prose that wants its output
        // hears why there is none.
        let text = """
            ---
            title: T
            arch: squeezenet1_1
            image_size: 8
            ---

            ```python
            #| step: find_cut
            #| id: cut
            children = list(arch().children())
            ```

            The features end as {{cut.children.0.output}}.
            """
        let session = try Support.session(text)
        let error = try #require(throws: LessonDiagnostic.self) { try session.runAll() }
        #expect(
            error.description.hasPrefix(
                "t.md:13:21: no fact 'cut.children.0.output' at this point of the lesson: cut.children.0 has no 'output' because it failed: "))
        #expect(error.description.hasSuffix("Output size is too small"))
    }

    @Test func aConvKernelLargerThanTheImageUsesPyTorchsWords() throws {
        let session = try Support.session(Self.bodyLesson(front: "title: T\narch: squeezenet1_1\nimage_size: 1\nclasses: 3"))
        let error = try #require(throws: LessonDiagnostic.self) { try session.runAll() }
        #expect(
            error.description.hasPrefix(
                "t.md:19:4: step create_body failed: an image of 1×1 pixels is too small for squeezenet1_1: 0.0 (Conv2d) on input [1, 3, 1, 1]: "))
        #expect(error.description.contains("Kernel size can't be greater than actual input size (image_size 1 is set at t.md:4:1)"))
    }

    @Test func aCellsImageSizeAndSetAreNamedAsTheOrigin() throws {
        let cell = try Support.session(
            Self.bodyLesson(front: "title: T\narch: squeezenet1_1\nimage_size: 64\nclasses: 3", forwardOptions: "\n#| image_size: 8"))
        let fromCell = try #require(throws: LessonDiagnostic.self) { try cell.runAll() }
        #expect(
            fromCell.description.hasPrefix("t.md:24:4: step forward failed: an image of 8×8 pixels is too small for squeezenet1_1: 0.5 (MaxPool2d)"))
        #expect(fromCell.description.hasSuffix("(image_size 8 is set at t.md:26:4)"))

        let set = try Support.session(
            Self.bodyLesson(front: "title: T\narch: squeezenet1_1\nimage_size: 64\nclasses: 3"), overrides: [("image_size", "8")])
        let fromSet = try #require(throws: LessonDiagnostic.self) { try set.runAll() }
        #expect(fromSet.description.hasSuffix("(image_size 8 comes from --set)"))
    }

    /// resnet34 at 8×8 is not an error: as in PyTorch, the grid shrinks to 1×1 and every layer still fits.
    @Test func resnet34TakesAnEightPixelImageAsPyTorchDoes() throws {
        let session = try Support.session(Self.bodyLesson(front: "title: T\narch: resnet34\nimage_size: 8\nclasses: 3"))
        _ = try session.runAll()
        #expect(session.results[2].facts["out_shape"] == .shape([1, 512, 1, 1]))
    }
}
