import LessonKit

/// How a walkthrough site was asked for: recorded in its manifest so `--check` can rebuild it
/// exactly the same way.
public struct SiteOptions: Sendable, Codable, Equatable {
    /// Lesson files or built-in names as given; empty means every built-in lesson.
    public var lessons: [String]
    /// Also write a slide deck per lesson.
    public var slides: Bool
    /// Also write a Jupyter notebook per lesson.
    public var notebooks: Bool
    /// Let raw HTML and every URL in lesson Markdown through (trusted lessons only).
    public var unsafe: Bool
    /// `--set key=value` overrides, applied to every lesson.
    public var settings: [String]
    /// Ignore pretrained weights even when found, so anyone can rebuild the same bytes.
    public var randomWeights: Bool

    public init(
        lessons: [String] = [], slides: Bool = false, notebooks: Bool = false, unsafe: Bool = false, settings: [String] = [],
        randomWeights: Bool = false
    ) {
        self.lessons = lessons
        self.slides = slides
        self.notebooks = notebooks
        self.unsafe = unsafe
        self.settings = settings
        self.randomWeights = randomWeights
    }

    /// The settings as key/value pairs (the command checked them with `LessonParameters.overrides`).
    public var overrides: [(String, String)] { (try? LessonParameters.overrides(settings)) ?? [] }

    /// The command line that builds such a site into `dir`.
    public func commandLine(out dir: String) -> String {
        var words = ["learnerlens", "html"] + lessons.map(Self.quoted)
        if slides { words.append("--slides") }
        if notebooks { words.append("--notebooks") }
        if unsafe { words.append("--unsafe") }
        if randomWeights { words.append("--random-weights") }
        for s in settings { words += ["--set", Self.quoted(s)] }
        return (words + ["--out", Self.quoted(dir)]).joined(separator: " ")
    }

    static func quoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_./=:,".unicodeScalars.contains($0))
        }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
