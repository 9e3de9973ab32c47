import Foundation

/// Tells whether a site on disk is what the current lessons and code would generate.
///
/// Used by `learnerlens html --check DIR` and by the test that keeps `docs/walkthrough/` fresh.
/// Numbers may differ in their last digit (`FlickerTolerance`); anything else is stale.
public enum SiteCheck {
    /// One problem: a missing, extra or different file.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message)" }
    }

    /// Compares freshly generated `files` with the folder `directory`; empty means up to date.
    public static func compare(_ files: [SiteFile], with directory: URL) -> [Problem] {
        var problems: [Problem] = []
        for file in files {
            let url = directory.appendingPathComponent(file.name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append(Problem(file: file.name, message: "missing"))
                continue
            }
            let onDisk = String(decoding: data, as: UTF8.self)
            if let d = FlickerTolerance.firstDifference(onDisk, file.contents) {
                problems.append(Problem(file: file.name, message: "differs from line \(d.line):\n  - \(clip(d.expected))\n  + \(clip(d.actual))"))
            }
        }
        let generated = Set(files.map(\.name))
        for name in SiteManifest.read(in: directory)?.files ?? [] where !generated.contains(name) {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
                problems.append(Problem(file: name, message: "no longer generated"))
            }
        }
        return problems
    }

    static func clip(_ line: String) -> String { line.count > 160 ? String(line.prefix(160)) + "…" : line }
}
