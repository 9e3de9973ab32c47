import ArgumentParser
import Fastai
import Foundation
import Rendering
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

    @Option(help: "Write the first validation batch as a PNG grid, each image under its class (show_batch).")
    var showBatch: String?

    @Flag(help: "Show the first training batch with get_transforms() (seeded by --seed), as show_batch does, instead of the validation batch.")
    var transforms = false

    @Option(help: "show_batch(rows): the text output ends with rows×rows images of the batch and their classes (0: none, at most 16).")
    var rows = 3

    @Flag(help: "Time one epoch of the training loader (decode, get_transforms(), crop to --size, normalise) and print images/second.")
    var bench = false

    @Option(help: "With --bench: threads decoding and augmenting ahead of the reader (0: in line).")
    var workers = 1

    func validate() throws {
        guard (0...16).contains(rows) else { throw ValidationError("--rows must be 0…16, got \(rows)") }
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more, got \(workers)") }
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
            if bench { return try benchmark(split) }
            let bunch = try ImageDataBunch(split: split, size: size, batchSize: bs, normalization: .imagenet, seed: UInt64(seed))
            // fastai's repr opens the first five images of each set; so does this, so a bad file is found here.
            for item in split.train.prefix(5) + split.valid.prefix(5) { try ImageDataOptions.checkDecodes(item.path) }
            if saveBatch != nil || showBatch != nil { try save(bunch) }
            ImageDataOptions.noteLeftOut(split, skipped)
            if format == "json" {
                print(try json(split, skipped))
            } else {
                // Nothing to show (e.g. --valid-pct 0) is not an error: the summary already says 0 items.
                let shown = transforms ? split.train.count >= bs : !split.valid.isEmpty
                print(text(split) + (rows > 0 && shown ? try showInTerminal(bunch) : ""), terminator: "")
            }
        }
    }

    /// `--bench`: one training epoch read as `fit` reads it (nothing trains, so this is how fast the data can go).
    func benchmark(_ split: ImageSplit) throws {
        var bunch = try ImageDataBunch(
            split: split, size: size, batchSize: bs, normalization: .imagenet, seed: UInt64(seed), transforms: true, workers: workers)
        let start = Date()
        let stream = bunch.train.makeEpoch()
        var images = 0
        while let batch = try stream.next() { images += batch.labels.count }
        let seconds = Date().timeIntervalSince(start)
        print(
            "one training epoch: \(stream.count) batches of \(bs) (\(images) images) decoded, augmented (get_transforms) and cropped to "
                + "\(size)×\(size) with --workers \(workers) in \(String(format: "%.2f", seconds)) s: \(String(format: "%.1f", Double(images) / seconds)) images/s"
        )
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

    /// The batch shown: the first validation batch, or with --transforms the first augmented training batch;
    /// only its first `limit` images when given (the same images and draws, fewer decoded).
    func shownBatch(_ bunch: ImageDataBunch, limit: Int? = nil) throws -> ImageBatch {
        do {
            guard transforms else {
                var valid = bunch.valid
                guard let first = valid.epoch().first else { throw CLIError("there is no validation image to show") }
                return try bunch.valid.batch(Array(first.prefix(limit ?? first.count)))
            }
            var train = bunch.train
            guard let indices = train.epoch().first else { throw CLIError("there is no full training batch to show") }
            let n = limit ?? indices.count
            return try train.batch(Array(indices.prefix(n)), augmentations: Array(train.drawAugmentations(indices.count).prefix(n)))
        } catch let error as DataError {
            throw CLIError("\(error.message) (fastai would stop here too; --skip-bad leaves such files out)")
        }
    }

    /// show_batch(rows) in the terminal: the first rows² images of the shown batch with their classes, in
    /// 24-bit colour when standard output is a terminal that announces it, as titles only otherwise.
    func showInTerminal(_ bunch: ImageDataBunch) throws -> String {
        let batch = try shownBatch(bunch, limit: rows * rows)
        let n = batch.labels.count
        let columns = min(rows, n)
        let grid = try TitledGrid(
            batch: batch.images, normalization: bunch.valid.normalization, titles: batch.labels.map { [bunch.classes[$0]] }, columns: columns)
        let mode = Terminal.stdoutIsTTY ? TerminalImage.mode(environment: ProcessInfo.processInfo.environment) : .plain
        let lines = TerminalImage.lines(grid, fitting: Terminal.width, mode: mode)
        let what = transforms ? "training batch with get_transforms()" : "validation batch"
        return "\ndata.show_batch(rows=\(rows)): the first \(n) images of the \(what)\n" + lines.joined(separator: "\n") + "\n"
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
            let shown = transforms ? try shownBatch(bunch) : batch
            let columns = Int(Double(shown.labels.count).squareRoot().rounded(.up))
            let titles = shown.labels.map { bunch.classes[$0] }
            let picture = try ImageGrid.picture(
                of: shown.images, normalization: bunch.valid.normalization, columns: columns, titles: titles.map { [$0] })
            try ImageFile.writePNG(picture, to: file)
            Console.note(
                "\(shown.labels.count) \(transforms ? "augmented training" : "validation") images with their classes, \(columns) per row, written to \(file)"
            )
        }
    }
}
