import LessonKit
import Testing

/// `fastai_version` in the front matter, and the note of the lines fastai 1.0.61 writes differently.
@Suite struct FastaiVersionNoteTests {
    static let cells = """
        ```python
        #| step: data
        data = ImageDataBunch.from_name_re(path_img, fnames, pat, ds_tfms=get_transforms(), size=64, bs=bs)
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
        #| step: num_features
        nf = num_features_model(body) * 2
        ```

        ```python
        #| step: create_head
        head = create_head(nf, data.c, lin_ftrs, ps)
        ```

        ```python
        #| step: sequential
        model = nn.Sequential(body, head)
        ```

        ```python
        #| step: learner
        learn = ClassificationLearner(data, model, **kwargs)
        ```
        """

    @Test func listsTheShownLinesThatChangedByOnePointZeroSixtyOne() throws {
        let session = try Support.session(Support.lesson(Self.cells, front: "title: T\narch: resnet18\nimage_size: 64\nfastai_version: 1.0.20"))
        let note = try #require(session.versionNote)
        #expect(note.version == "1.0.20")
        #expect(
            note.differences.map(\.shown) == [
                "body = create_body(arch(pretrained), ifnone(cut, meta['cut']))", "nf = num_features_model(body) * 2",
                "learn = ClassificationLearner(data, model, **kwargs)",
            ])
        #expect(
            note.differences.map(\.later) == [
                "body = create_body(base_arch, pretrained, cut)",
                "nf = num_features_model(nn.Sequential(*body.children())) * (2 if concat_pool else 1)",
                "learn = Learner(data, model, **kwargs)",
            ])
    }

    @Test func noNoteWithoutTheKeyAndNoDifferencesForOnePointZeroSixtyOne() throws {
        #expect(try Support.session(Support.lesson(Self.cells)).versionNote == nil)
        let later = try Support.session(Support.lesson(Self.cells, front: "title: T\narch: resnet18\nimage_size: 64\nfastai_version: 1.0.61"))
        #expect(later.versionNote?.differences.isEmpty == true)
    }

    @Test(arguments: ["1.0", "v1.0.20", "1.0.x", "1..20", "１.0.20"])
    func aVersionIsThreeNumbers(bad: String) {
        let found = Support.diagnostics(Support.lesson("", front: "title: T\nfastai_version: \(bad)"))
        #expect(found.contains { $0.contains("fastai_version expects a release like 1.0.20") }, "\(found)")
    }

    @Test func aCellCannotOverrideIt() {
        let body = "```python\n#| step: data\n#| fastai_version: 1.0.61\ndata = x\n```\n"
        let found = Support.diagnostics(Support.lesson(body))
        #expect(found.contains { $0.contains("unknown option 'fastai_version'") }, "\(found)")
    }

    /// The create_cnn lessons show the forum thread's 1.0.20; the lessons that train show 1.0.61, whose
    /// training loop (one-cycle schedule, show_results, plot's suggestion) LearnerLens follows.
    @Test func everyBuiltInLessonNamesItsVersion() throws {
        let training = Set(StepRegistry.training.map { $0.id })
        var trainingLessons = 0
        for name in BuiltinLessons.names {
            let lesson = try BuiltinLessons.load(name)
            let trains = lesson.items.contains { if case .cell(let c) = $0 { training.contains(c.step) } else { false } }
            if trains { trainingLessons += 1 }
            #expect(lesson.front.first { $0.key == "fastai_version" }?.value == (trains ? "1.0.61" : "1.0.20"), "\(name)")
        }
        #expect(trainingLessons == 4)
    }
}
