import Foundation

/// Where the labels of a folder of images come from.
public enum ImageLabelSource: Sendable, Equatable {
    /// `ImageDataBunch.from_name_re(path, get_image_files(path), pattern)`: the files directly in the folder.
    case nameRegex(String)
    /// `ImageDataBunch.from_folder(path)`: every image below the folder, labelled by its parent folder.
    case parentFolder
    /// `ImageDataBunch.from_csv(path, csv_labels=file)`: `file name,label` rows, names relative to the folder.
    case csv(String)
}

/// A file left out because it could not be decoded (`--skip-bad`).
public struct SkippedImage: Sendable, Equatable, Codable {
    /// The file.
    public let path: String
    /// Why it was left out.
    public let reason: String
}

/// The labelled images of a folder, as fastai v1's `ImageDataBunch.from_*` factories find and label them.
public enum ImageFolder {
    /// The files of `folder` with their labels. With `skipBad`, every file is decoded first and those that fail
    /// are left out and returned (fastai would stop at the first one when it reaches it in a batch).
    public static func labelled(
        _ folder: String, source: ImageLabelSource, skipBad: Bool
    ) throws(DataError) -> (items: [LabelledImage], skipped: [SkippedImage]) {
        var items: [LabelledImage]
        switch source {
        case .nameRegex(let pattern):
            let files = try ImageFiles.list(in: folder, recurse: false)
            guard !files.isEmpty else { throw DataError("\(folder): no image files (by extension) directly in the folder") }
            _ = try LabelledImage.compile(pattern)
            var skipped: [SkippedImage] = []
            var good = files
            if skipBad { (good, skipped) = decodable(files) }
            items = try LabelledImage.fromNameRegex(good, pattern: pattern)
            return (items, skipped)
        case .parentFolder:
            let files = try ImageFiles.list(in: folder, recurse: true)
            guard !files.isEmpty else { throw DataError("\(folder): no image files (by extension) in the folder or below") }
            items = LabelledImage.fromParentFolder(files)
        case .csv(let csv):
            items = try LabelledImage.fromCSV(csv, folder: folder)
        }
        guard skipBad else { return (items, []) }
        let (good, skipped) = decodable(items.map(\.path))
        let keep = Set(good)
        return (items.filter { keep.contains($0.path) }, skipped)
    }

    /// Splits `paths` into those that decode and those that do not (with the reason).
    static func decodable(_ paths: [String]) -> ([String], [SkippedImage]) {
        var good: [String] = [], bad: [SkippedImage] = []
        for path in paths {
            do {
                _ = try ImageFile.read(path)
                good.append(path)
            } catch {
                bad.append(SkippedImage(path: path, reason: error.message))
            }
        }
        return (good, bad)
    }
}
