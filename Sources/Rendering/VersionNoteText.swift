import LessonKit
import Markup

/// The version note as Markdown: which fastai the code shows, and the lines fastai 1.0.61 writes
/// differently. Every output (terminal, page, notebook) shows this same text.
public enum VersionNoteText {
    /// A block quote: `> **fastai 1.0.20.** The fastai v1 code in this lesson is …` and one item per changed line.
    public static func markdown(_ note: FastaiVersionNote) -> String {
        // Versions are digits and dots (checked when the front matter is read): nothing to escape.
        let (version, later) = (note.version, FastaiVersionNote.laterVersion)
        var out = "> **fastai \(version).** The fastai v1 code in this lesson is fastai \(version)'s"
        if version == later { return out + ", the release LearnerLens follows (its training loop included).\n" }
        guard !note.differences.isEmpty else { return out + "; fastai \(later) writes these lines the same way.\n" }
        out += ". In fastai \(later) these lines read:\n>\n"
        for d in note.differences {
            out += "> - \(MarkdownEscaping.codeSpan(d.shown)) → \(MarkdownEscaping.codeSpan(d.later)) (\(MarkdownEscaping.escape(d.remark)))\n"
        }
        return out
    }
}
