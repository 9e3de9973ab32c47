import Foundation

/// `learnerlens-site.json`: marks a folder as a LearnerLens site and says how it was built.
///
/// `html` only writes into a non-empty folder that has one (or with `--force`), removes only the
/// files an earlier manifest listed, and `html --check` rebuilds from its options.
public struct SiteManifest: Sendable, Codable, Equatable {
    public static let fileName = "learnerlens-site.json"

    public var generator = "LearnerLens"
    public var version: String
    public var options: SiteOptions
    /// Every file of the site but the manifest, sorted.
    public var files: [String]

    public init(version: String, options: SiteOptions, files: [String]) {
        self.version = version
        self.options = options
        self.files = files.sorted()
    }

    /// The manifest as written (pretty, sorted keys: deterministic).
    public var text: String { Format.json(self) + "\n" }

    /// Reads the manifest of the site in `dir`, or nil when there is none or it is not one.
    public static func read(in dir: URL) -> SiteManifest? {
        guard let data = try? Data(contentsOf: dir.appendingPathComponent(fileName)),
            let manifest = try? JSONDecoder().decode(SiteManifest.self, from: data), manifest.generator == "LearnerLens"
        else { return nil }
        return manifest
    }

    /// A file name a manifest may list: a plain name inside the site, nothing hidden, no path.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\") && name != SiteManifest.fileName
    }
}
