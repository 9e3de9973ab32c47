import ArgumentParser
import Fastai
import Foundation

/// How a folder of images is labelled and split — the options `data`, `fit` and `lr-find` share: one of
/// `--pat` (from_name_re), `--folder` (from_folder) or `--csv` (from_csv), then `--valid-pct` or `--split-from`.
struct ImageDataOptions: ParsableArguments {
    @Option(help: "from_name_re: the regular expression whose group 1 is the label.")
    var pat: String?

    @Flag(help: "from_folder: each image's parent folder is its label.")
    var folder = false

    @Option(help: "from_csv: a CSV file of `file name,label` rows (after a header row).")
    var csv: String?

    @Option(help: "Fraction of the images for validation (split_by_rand_pct); default 0.2, or train/valid folders with --folder.")
    var validPct: Double?

    @Option(help: "JSON file naming the validation (and optionally training) files: {\"valid\": [...], \"train\": [...]}.")
    var splitFrom: String?

    @Flag(help: "Decode every image first and leave out (and list) those that fail, instead of stopping.")
    var skipBad = false

    /// How many of --pat, --folder and --csv were given.
    var sourceCount: Int { [pat != nil, folder, csv != nil].filter { $0 }.count }

    func validate() throws {
        if sourceCount > 1 { throw ValidationError("give exactly one of --pat REGEX, --folder or --csv FILE") }
        if let v = validPct, !(v >= 0 && v < 1) { throw ValidationError("--valid-pct must be in [0, 1), got \(v)") }
    }

    /// Refuses these options without a folder to apply them to (Fashion-MNIST has its own labels and split).
    func requireNone() throws {
        if sourceCount > 0 || validPct != nil || splitFrom != nil || skipBad {
            throw ValidationError("--pat, --folder, --csv, --valid-pct, --split-from and --skip-bad need a folder of images before them (PATH)")
        }
    }

    /// The folder's labelled images split as fastai v1 splits them (numpy seeded with `seed`), with the files
    /// `--skip-bad` left out; at least two training classes.
    func split(_ path: String, seed: UInt32) throws -> (split: ImageSplit, skipped: [SkippedImage]) {
        guard sourceCount == 1 else { throw ValidationError("give exactly one of --pat REGEX, --folder or --csv FILE") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("\(path): not a folder")
        }
        if let csv { try FileChecks.readable(csv, option: "--csv") }
        if let splitFrom { try FileChecks.readable(splitFrom, option: "--split-from") }
        let source: ImageLabelSource = pat.map { .nameRegex($0) } ?? (csv.map { .csv($0) } ?? .parentFolder)
        let (items, skipped) = try ImageFolder.labelled(path, source: source, skipBad: skipBad)
        let split = try ImageSplit(items, rule: splitRule(path, seed: seed))
        guard split.c >= 2 else {
            throw CLIError("\(path): the training images have only one class (\(split.classes.first ?? "")); a classifier needs at least two")
        }
        return (split, skipped)
    }

    /// Notes on standard error: the skipped files and the validation images whose label no training image has.
    static func noteLeftOut(_ split: ImageSplit, _ skipped: [SkippedImage]) {
        for s in skipped { Console.note("skipped \(s.path): \(s.reason)") }
        if !split.droppedValid.isEmpty {
            Console.note("\(split.droppedValid.count) validation image(s) dropped: their label is not a training class")
        }
    }

    /// Opens `file` as fastai's repr would, turning a decoding error into advice.
    static func checkDecodes(_ file: String) throws {
        do { _ = try ImageFile.read(file) } catch {
            throw CLIError("\(error.message) (fastai would stop here too; --skip-bad leaves such files out)")
        }
    }

    func splitRule(_ path: String, seed: UInt32) throws -> ImageSplitRule {
        if let splitFrom {
            let data = try Data(contentsOf: URL(fileURLWithPath: splitFrom))
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw CLIError("--split-from \(splitFrom): not a JSON object with a \"valid\" list")
            }
            func names(_ key: String) throws -> [String]? {
                guard let list = object[key] else { return nil }
                guard let array = list as? [Any] else { throw CLIError("--split-from \(splitFrom): \"\(key)\" is not a list") }
                return try array.map { entry in
                    if let s = entry as? String { return s }
                    if let d = entry as? [String: Any], let s = (d["path"] ?? d["file"]) as? String { return s }
                    throw CLIError("--split-from \(splitFrom): \"\(key)\" entries must be file names or {\"path\": …} objects")
                }
            }
            guard let valid = try names("valid") else { throw CLIError("--split-from \(splitFrom): no \"valid\" list") }
            return .explicit(root: path, train: try names("train"), valid: valid)
        }
        if folder && validPct == nil { return .folders(root: path, train: "train", valid: "valid") }
        return .randomPercent(validPct ?? 0.2, seed: seed)
    }
}
