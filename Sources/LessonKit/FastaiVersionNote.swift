/// Which fastai version a lesson's code shows, and how the lines it shows read in fastai 1.0.61.
///
/// The lessons show `create_cnn` as fastai 1.0.20 wrote it (the version of the forum thread they
/// answer). Some of those lines changed by 1.0.61: `ClassificationLearner` was gone after 1.0.22,
/// `create_body` has taken the arch itself since 1.0.35, `create_cnn` became `cnn_learner` in
/// 1.0.47. The note lists, for the lines a lesson's cells actually show, the 1.0.61 form.
public struct FastaiVersionNote: Sendable, Equatable {
    /// A line as the lesson shows it and as fastai 1.0.61 has it.
    public struct Difference: Sendable, Equatable {
        public var shown: String
        public var later: String
        /// Where the later line lives, and anything it needs said (`in create_cnn_model`).
        public var remark: String
    }

    /// The version whose lines `differences` compares against.
    public static let laterVersion = "1.0.61"

    /// The version the code cells show (front matter `fastai_version`).
    public var version: String
    /// The shown lines (in cells, or in code the prose quotes) that read differently in `laterVersion`,
    /// in `create_cnn`'s order.
    public var differences: [Difference]

    /// The note for a lesson whose cells show fastai `version`; `nil` when the lesson names none.
    public init?(lesson: Lesson, version: String?) {
        guard let version else { return nil }
        self.version = version
        var found: [Difference] = []
        let texts = lesson.items.map { item in
            switch item {
            case .cell(let cell): cell.code
            case .prose(let prose): prose.markdown
            }
        }
        for rule in Self.rules where texts.contains(where: { $0.contains(rule.marker) }) {
            found.append(rule.difference)
        }
        differences = version == Self.laterVersion ? [] : found
    }

    /// fastai 1.0.20's `create_cnn` lines (`fastai/vision/learner.py`) and their 1.0.61 forms (the
    /// same file: `create_cnn_model`, `cnn_learner`). A cell shows a line when its code contains the marker.
    static let rules: [(marker: String, difference: Difference)] = [
        (
            "create_cnn(",
            Difference(
                shown: "learn = create_cnn(data, arch, …)", later: "learn = cnn_learner(data, arch, …)",
                remark: "create_cnn is a deprecated alias of cnn_learner since 1.0.47")
        ),
        (
            "create_body(arch(pretrained)",
            Difference(
                shown: "body = create_body(arch(pretrained), ifnone(cut, meta['cut']))",
                later: "body = create_body(base_arch, pretrained, cut)",
                remark: "in create_cnn_model; create_body calls arch(pretrained) and falls back to the meta's cut itself")
        ),
        (
            "num_features_model(body) * 2",
            Difference(
                shown: "nf = num_features_model(body) * 2",
                later: "nf = num_features_model(nn.Sequential(*body.children())) * (2 if concat_pool else 1)",
                remark: "in create_cnn_model, only when there is no custom_head")
        ),
        (
            "custom_head or create_head(",
            Difference(
                shown: "head = custom_head or create_head(nf, data.c, lin_ftrs, ps)",
                later: "head = create_head(nf, nc, lin_ftrs, ps=ps, concat_pool=concat_pool, bn_final=bn_final)",
                remark: "in create_cnn_model, when custom_head is None; otherwise head = custom_head")
        ),
        (
            "ClassificationLearner(",
            Difference(
                shown: "learn = ClassificationLearner(data, model, **kwargs)", later: "learn = Learner(data, model, **kwargs)",
                remark: "ClassificationLearner existed up to 1.0.22")
        ),
        (
            "ifnone(split_on, meta['split'])",
            Difference(
                shown: "learn.split(ifnone(split_on, meta['split']))", later: "learn.split(split_on or meta['split'])",
                remark: "in cnn_learner")
        ),
        (
            "apply_init(model[1], nn.init.kaiming_normal_)",
            Difference(
                shown: "apply_init(model[1], nn.init.kaiming_normal_)", later: "if init: apply_init(model[1], init)",
                remark: "in cnn_learner; init defaults to nn.init.kaiming_normal_")
        ),
    ]
}

extension LessonSession {
    /// The note for this lesson's front matter `fastai_version`, if it names one.
    public var versionNote: FastaiVersionNote? { FastaiVersionNote(lesson: lesson, version: parameters.fastaiVersion) }
}
