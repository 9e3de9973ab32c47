import LessonKit
import Markup

/// What stands under a lesson's title in every output (terminal, page, notebook): which fastai
/// the code shows (`VersionNoteText`) and which weights the run's models had.
public enum HeaderNotes {
    /// `> **Weights.** resnet34: random initialisation (…). Shapes … do not depend on …`; nil when
    /// the run built no model.
    public static func weights(_ uses: [WeightsUse]) -> String? {
        guard !uses.isEmpty else { return nil }
        var seen: [String] = []
        for use in uses {
            let line = "\(use.arch): \(use.description)"
            if !seen.contains(line) { seen.append(line) }
        }
        let random = uses.contains { !$0.loaded }
        var out = "> **Weights.** " + MarkdownEscaping.escape(seen.joined(separator: "; ")) + ". "
        out += "Shapes, parameter counts, layer groups and freezing do not depend on the weight values; "
        out +=
            random
            ? "the scores, activations and statistics this run shows do, so they are a randomly initialised network's, not ImageNet's.\n"
            : "the scores, activations and statistics this run shows do, and come from these weights.\n"
        return out
    }

    /// Both notes as Markdown, blank-line separated (empty when there is neither).
    public static func markdown(version: FastaiVersionNote?, weights uses: [WeightsUse]) -> String {
        [version.map(VersionNoteText.markdown), weights(uses)].compactMap { $0 }.joined(separator: "\n")
    }

    /// The segments with the notes placed under the lesson's title (or first, when there is none).
    public static func inserted(version: FastaiVersionNote?, weights uses: [WeightsUse], into segments: [RunSegment]) -> [RunSegment] {
        let text = markdown(version: version, weights: uses)
        guard !text.isEmpty else { return segments }
        if case .prose(let raw)? = segments.first, case let first = raw.drop(while: \.isNewline), first.hasPrefix("# ") {
            let end = first.firstIndex(of: "\n") ?? first.endIndex
            let rest = first[end...].drop { $0 == "\n" }
            return [.prose(String(first[..<end]) + "\n\n" + text + (rest.isEmpty ? "" : "\n" + rest))] + segments.dropFirst()
        }
        return [.prose(text)] + segments
    }
}
