import Foundation

/// The part of fastai's `DataBunch` that `create_cnn` reads: the classes, and `c`, their count.
public struct DataBunch: Sendable, Equatable {
    /// Class names, sorted as fastai sorts labels.
    public let classes: [String]
    /// Where the labels came from, for the lesson's prose.
    public let source: String

    /// `data.c`: the number of classes, which sizes the head's last Linear layer.
    public var c: Int { classes.count }

    /// Classes given by name (duplicates removed, order kept).
    public init(classes: [String], source: String = "a list of class names") throws(DataError) {
        var seen = Set<String>()
        let unique = classes.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { throw DataError("a DataBunch needs at least one class, got none") }
        self.classes = unique
        self.source = source
    }

    /// `count` anonymous classes named `0`, `1`, ….
    public init(classCount count: Int) throws(DataError) {
        guard count > 0 else { throw DataError("the number of classes must be at least 1, got \(count)") }
        try self.init(classes: (0..<count).map(String.init), source: "\(count) numbered classes")
    }

    /// The 37 breeds of the Oxford-IIIT Pet data set, Lesson 1's data.
    public static let pets: DataBunch = {
        let names = [
            "Abyssinian", "Bengal", "Birman", "Bombay", "British_Shorthair", "Egyptian_Mau", "Maine_Coon",
            "Persian", "Ragdoll", "Russian_Blue", "Siamese", "Sphynx", "american_bulldog",
            "american_pit_bull_terrier", "basset_hound", "beagle", "boxer", "chihuahua", "english_cocker_spaniel",
            "english_setter", "german_shorthaired", "great_pyrenees", "havanese", "japanese_chin", "keeshond",
            "leonberger", "miniature_pinscher", "newfoundland", "pomeranian", "pug", "saint_bernard", "samoyed",
            "scottish_terrier", "shiba_inu", "staffordshire_bull_terrier", "wheaten_terrier", "yorkshire_terrier",
        ]
        // Thirty-seven non-empty names: this cannot throw.
        return (try? DataBunch(classes: names.sorted(), source: "the Oxford-IIIT Pet breeds"))!
    }()

    /// The regular expression Lesson 1 uses on pet file names: the breed precedes `_<number>.jpg`.
    public static let petsPattern = #"/([^/]+)_\d+.jpg$"#

    /// Labels from a folder of images: each sub-folder is a class (`from_folder`), or, with a
    /// pattern, the first capture group of the pattern applied to each file's path (`from_name_re`).
    /// No image is decoded.
    public init(folder: URL, pattern: String? = nil) throws(DataError) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw DataError("\(folder.path): not a folder")
        }
        guard let pattern else {
            let entries = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            let classes = entries.filter { name in
                var d: ObjCBool = false
                return !name.hasPrefix(".") && fm.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &d)
                    && d.boolValue
            }.sorted(by: PythonOrder.less)
            guard !classes.isEmpty else { throw DataError("\(folder.path): no sub-folders to use as classes") }
            try self.init(classes: classes, source: "the sub-folders of \(folder.lastPathComponent)")
            return
        }
        // The same compilation as `from_name_re` (`LabelledImage`): Python's named groups accepted.
        let regex = try LabelledImage.compile(pattern)
        var labels = Set<String>()
        var unmatched: [String] = []
        let files = fm.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        for file in files where !file.hasPrefix(".") {
            let path = folder.appendingPathComponent(file).path
            var d: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &d), !d.boolValue else { continue }
            let range = NSRange(path.startIndex..., in: path)
            if let m = regex.firstMatch(in: path, range: range), let r = Range(m.range(at: 1), in: path) {
                labels.insert(String(path[r]))
            } else {
                unmatched.append(file)
            }
        }
        guard !labels.isEmpty else {
            throw DataError(
                "\(folder.path): no file name matched \(pattern)\(unmatched.isEmpty ? " (the folder has no files)" : " (for example \(unmatched.sorted()[0]))")"
            )
        }
        try self.init(classes: labels.sorted(by: PythonOrder.less), source: "file names in \(folder.lastPathComponent) matched by \(pattern)")
    }
}

/// Bad data input: a message naming what was wrong.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
