import Foundation

/// fastai v1's `get_image_files`/`get_files`: the files of a folder whose extension Python's `mimetypes` maps to
/// `image/*`, hidden names (a leading `.`) skipped.
///
/// fastai keeps `os.scandir`/`os.walk` order (`presort=False`), which depends on the file system; LearnerLens sorts
/// the paths (by Unicode code points, as Python sorts `str`) so a run is reproducible. A split that must match a
/// fastai run exactly is imported with `--split-from` (G14).
public enum ImageFiles {
    /// `image_extensions`: `mimetypes.types_map`'s `image/*` keys on Python 3.11 (older Pythons lack `.avif`,
    /// `.heic`, `.heif`, `.webp` may vary). Compared in lower case, with the text after the last dot (`get_files`
    /// uses `o.split(".")[-1]`, so a name with no dot is its own "extension").
    public static let extensions: Set<String> = [
        ".avif", ".bmp", ".gif", ".heic", ".heif", ".ico", ".ief", ".jpe", ".jpeg", ".jpg", ".pbm", ".pgm", ".png",
        ".pnm", ".ppm", ".ras", ".rgb", ".svg", ".tif", ".tiff", ".xbm", ".xpm", ".xwd",
    ]

    /// Whether `get_files` keeps a file of this name.
    public static func isImageName(_ name: String) -> Bool {
        guard !name.hasPrefix(".") else { return false }
        let ext = "." + (name.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? name)
        return extensions.contains(ext.lowercased())
    }

    /// The image files in `folder` (and, with `recurse`, its non-hidden sub-folders, as `os.walk` with fastai's
    /// filter), as `folder + "/" + relative path`, sorted by code points.
    public static func list(in folder: String, recurse: Bool) throws(DataError) -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw DataError("\(folder): not a folder")
        }
        var out: [String] = []
        var pending = [folder]
        while let dir = pending.popLast() {
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: dir) } catch {
                throw DataError("\(dir): cannot list the folder (\(error.localizedDescription))")
            }
            for name in names {
                let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
                var sub: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &sub) else { continue }
                if sub.boolValue {
                    if recurse && !name.hasPrefix(".") { pending.append(path) }
                } else if isImageName(name) {
                    out.append(path)
                }
            }
        }
        return out.sorted(by: PythonOrder.less)
    }
}

/// Python's `str` ordering: lexicographic by Unicode code points (Swift's `<` on `String` compares canonical
/// equivalents as equal and is not the same order).
public enum PythonOrder {
    /// Whether `a` sorts before `b` in Python.
    public static func less(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lazy.map(\.value).lexicographicallyPrecedes(b.unicodeScalars.lazy.map(\.value))
    }
}
