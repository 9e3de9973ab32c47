import LessonKit
import Rendering
import Testing

/// The version note's text: a lesson in an older release lists the lines 1.0.61 writes differently; a
/// lesson in 1.0.61 itself says it is the release LearnerLens follows, not that 1.0.61 agrees with itself.
struct VersionNoteTextTests {
    static func lesson(version: String) throws -> Lesson {
        try LessonParser.parse(
            "---\ntitle: T\nfastai_version: \(version)\n---\n\n```python\n#| step: data\nlearn = create_cnn(data, models.resnet18)\n```\n",
            file: "v.md")
    }

    @Test func anOlderReleaseListsTheLinesThatChanged() throws {
        let note = try #require(FastaiVersionNote(lesson: try Self.lesson(version: "1.0.20"), version: "1.0.20"))
        let text = VersionNoteText.markdown(note)
        #expect(text.hasPrefix("> **fastai 1.0.20.** The fastai v1 code in this lesson is fastai 1.0.20's. In fastai 1.0.61 these lines read:"))
        #expect(text.contains("cnn_learner"))
    }

    @Test func theReleaseLearnerLensFollowsSaysSo() throws {
        let note = try #require(FastaiVersionNote(lesson: try Self.lesson(version: "1.0.61"), version: "1.0.61"))
        #expect(
            VersionNoteText.markdown(note)
                == "> **fastai 1.0.61.** The fastai v1 code in this lesson is fastai 1.0.61's, the release LearnerLens follows (its training loop included).\n"
        )
    }
}
