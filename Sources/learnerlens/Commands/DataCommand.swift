import ArgumentParser
import Fastai
import Foundation
import Tensors

/// `learnerlens data`: build fastai v1's ImageDataBunch from a folder of images and show it.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Label, split and load a folder of JPEG/PNG images as fastai v1's ImageDataBunch does.",
        discussion: """
            One of --pat (from_name_re: regex search on each full path, group 1), --folder (from_folder: \
            parent folder names; train/ and valid/ sub-folders unless --valid-pct is given) or --csv FILE \
            (from_csv: `file,label` rows after a header, names relative to PATH). The split is fastai's \
            split_by_rand_pct with numpy's generator seeded by --seed (lesson 1: np.random.seed(2)), or \
            the one in --split-from. Files are listed sorted; fastai lists them in directory order, so \
            matching a fastai run exactly needs --split-from with its validation files.
            """)

    @Argument(help: "The folder of images.")
    var path: String

    @OptionGroup var source: ImageDataOptions

    @Option(help: "Side of the square images.")
    var size = 224

    @Option(help: "Batch size.")
    var bs = 64

    @Option(help: "numpy seed of the split (np.random.seed).")
    var seed: UInt32 = 2

    @Option(help: "text or json.")
    var format = "text"

    @Option(help: "Write the first validation batch (resized, centre-cropped, imagenet-normalised) and its labels here.")
    var saveBatch: String?

    @Option(help: "Write the first validation batch as a PNG grid (show_batch without titles; the labels go to stderr).")
    var showBatch: String?

    @Flag(help: "With --show-batch: show the first training batch with get_transforms() (seeded by --seed), as show_batch does.")
    var transforms = false

    func validate() throws {
        guard source.sourceCount == 1 else { throw ValidationError("give exactly one of --pat REGEX, --folder or --csv FILE") }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json, got \(format)") }
        guard size >= 2 else { throw ValidationError("--size must be at least 2, got \(size)") }
        guard bs >= 1 else { throw ValidationError("--bs must be at least 1, got \(bs)") }
    }

    func run() throws {
        try reportingErrors {
            if let saveBatch { try FileChecks.writable(saveBatch, option: "--save-batch") }
            if let showBatch { try FileChecks.writable(showBatch, option: "--show-batch") }
            let (split, skipped) = try source.split(path, seed: seed)
            let bunch = try ImageDataBunch(split: split, size: size, batchSize: bs, normalization: .imagenet, seed: UInt64(seed))
            // fastai's repr opens the first five images of each set; so does this, so a bad file is found here.
            for item in split.train.prefix(5) + split.valid.prefix(5) { try ImageDataOptions.checkDecodes(item.path) }
            if saveBatch != nil || showBatch != nil { try save(bunch) }
            ImageDataOptions.noteLeftOut(split, skipped)
            print(format == "json" ? try json(split, skipped) : text(split), terminator: format == "json" ? "\n" : "")
        }
    }

    /// What `print(data)` shows in fastai v1, then the classes and one batch's shape.
    func text(_ split: ImageSplit) -> String {
        let shape = "Image (3, \(size), \(size))"
        func set(_ items: [LabelledImage]) -> String {
            let first = items.prefix(5)
            return "LabelList (\(items.count) items)\nx: ImageList\n\(first.map { _ in shape }.joined(separator: ","))\n"
                + "y: CategoryList\n\(first.map(\.label).joined(separator: ","))\nPath: \(path)"
        }
        let trainBatches = split.train.count / bs, validBatches = (split.valid.count + bs - 1) / bs
        return """
            ImageDataBunch;

            Train: \(set(split.train));

            Valid: \(set(split.valid));

            Test: None

            data.classes (\(split.c)): \(split.classes.joined(separator: ", "))
            data.c: \(split.c)
            len(data.train_ds), len(data.valid_ds): \(split.train.count), \(split.valid.count)
            one batch: x [\(min(bs, split.train.count)), 3, \(size), \(size)], y [\(min(bs, split.train.count))]; \
            \(trainBatches) training batches (drop_last), \(validBatches) validation batches

            """
    }

    func json(_ split: ImageSplit, _ skipped: [SkippedImage]) throws -> String {
        struct Out: Encodable {
            var path: String
            var classes: [String]
            var c: Int
            var train: [LabelledImage]
            var valid: [LabelledImage]
            var dropped_valid: [LabelledImage]
            var skipped: [SkippedImage]
            var size: Int
            var bs: Int
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let out = Out(
            path: path, classes: split.classes, c: split.c, train: split.train, valid: split.valid,
            dropped_valid: split.droppedValid, skipped: skipped, size: size, bs: bs)
        return String(decoding: try encoder.encode(out), as: UTF8.self)
    }

    func save(_ bunch: ImageDataBunch) throws {
        let valid = bunch.valid
        var order = valid
        guard let first = order.epoch().first else { throw CLIError("there is no validation image to save") }
        let batch: ImageBatch
        do { batch = try valid.batch(first) } catch {
            throw CLIError("\(error.message) (fastai would stop here too; --skip-bad leaves such files out)")
        }
        let labels = Tensor(shape: [batch.labels.count], storage: batch.labels.map(Float.init))
        let files = batch.indices.map { valid.items[$0].path }
        let meta = [
            "classes": String(decoding: try JSONEncoder().encode(bunch.classes), as: UTF8.self),
            "files": String(decoding: try JSONEncoder().encode(files), as: UTF8.self),
            "normalization": "imagenet_stats",
        ]
        if let file = saveBatch {
            try SafetensorsArchive(tensors: ["images": batch.images, "labels": labels], dtypes: ["labels": .i64], metadata: meta)
                .write(to: URL(fileURLWithPath: file))
            Console.note("validation batch \(batch.images.shape) with labels written to \(file)")
        }
        if let file = showBatch {
            var shown = batch
            if transforms {
                var train = bunch.train
                guard let indices = train.epoch().first else { throw CLIError("there is no full training batch to show") }
                let augmentations = train.drawAugmentations(indices.count)
                do { shown = try train.batch(indices, augmentations: augmentations) } catch {
                    throw CLIError("\(error.message) (fastai would stop here too; --skip-bad leaves such files out)")
                }
            }
            let columns = Int(Double(shown.labels.count).squareRoot().rounded(.up))
            let picture = try ImageGrid.picture(of: shown.images, normalization: bunch.valid.normalization, columns: columns)
            try ImageFile.writePNG(picture, to: file)
            let titles = shown.labels.map { bunch.classes[$0] }
            Console.note(
                "\(shown.labels.count) \(transforms ? "augmented training" : "validation") images, \(columns) per row, written to \(file); labels row by row: \(titles.joined(separator: ", "))"
            )
        }
    }
}
