import Fastai
import Foundation
import Tensors

/// `data = ImageDataBunch…normalize(imagenet_stats)` for a lesson that trains: the images, their
/// labels and classes, the shuffled training loader (`drop_last`) and the validation loader, and
/// `show_batch`'s picture of the first validation images.
public struct TrainingDataStep: LessonStep {
    public static let id = "training_data"
    public static let title = "Load the images"
    public static let source = "data = ImageDataBunch.from_folder(path, ds_tfms=None, size=28, bs=64).normalize(imagenet_stats)"
    public static let options = ["show"]
    public static let facts: FactSchema = [
        "c", .list("classes"), "source", "train_count", "valid_count", "image_size", "native_size", "batch_size",
        "train_batches", "valid_batches", .list("mean"), .list("std"), "shown", "chance_error",
    ]
    public var access: StepAccess { StepAccess(makes: [Slots.data, Slots.trainingData]) }

    /// How many validation images `show_batch` draws.
    var show: Int

    public init(options: [String: String]) throws(ParameterError) {
        show = try options["show"].map { raw throws(ParameterError) in try LessonParameters.int(raw, "show", min: 0, max: 64) } ?? 16
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let set = try TrainingSet.load(p)
        let data = set.data
        try state.make(Slots.data, try DataBunch(classes: set.classes, source: set.source))
        try state.make(Slots.trainingData, data)
        var f = Facts()
        f["c"] = .int(set.classes.count)
        f["classes"] = .list(set.classes.map(FactValue.text))
        f["source"] = .text(set.source)
        f["train_count"] = .int(data.train.itemCount)
        f["valid_count"] = .int(data.valid.itemCount)
        f["image_size"] = .int(p.imageSize)
        if let native = set.nativeSize { f["native_size"] = .int(native) }
        f["batch_size"] = .int(p.batchSize)
        f["train_batches"] = .int(data.train.batchCount)
        f["valid_batches"] = .int(data.valid.batchCount)
        f["mean"] = .list(TrainingSet.normalization.mean.map { .number(Double($0), places: 3) })
        f["std"] = .list(TrainingSet.normalization.std.map { .number(Double($0), places: 3) })
        let shown = min(show, data.valid.itemCount)
        f["shown"] = .int(shown)
        f["chance_error"] = .number(1 - 1 / Double(set.classes.count), places: 2)  // guessing uniformly
        if shown > 0 {
            let batch = try data.valid.batch(Array(0..<shown))
            let columns = Int(Double(shown).squareRoot().rounded(.up))
            let names = batch.labels.map { set.classes[$0] }
            state.show(
                .image(
                    ImageFigure(
                        title: "data.show_batch(rows=\(columns)): the first \(shown) validation images",
                        alt: "\(shown) validation images: " + names.joined(separator: ", "),
                        grid: try TitledGrid(
                            batch: batch.images, normalization: TrainingSet.normalization, titles: names.map { [$0] }, columns: columns),
                        scale: max(1, 84 / p.imageSize))))
        }
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let names = MD.items(f["classes"]).map(\.prose)
        return """
            **\(MD.number(f["train_count"]))** training and **\(MD.number(f["valid_count"]))** validation images from \
            \(MD.text(f["source"]?.prose ?? "")), \(MD.number(f["c"])) classes: \(names.map(MD.code).joined(separator: ", ")).

            \(MD.table(
                ["", "images", "batches of \(f["batch_size"]?.prose ?? "")"],
                [["train (shuffled, drop_last)", MD.number(f["train_count"]), MD.number(f["train_batches"])], ["valid", MD.number(f["valid_count"]), MD.number(f["valid_batches"])]],
                right: [1, 2]))
            \(pixels(f)) and normalised with ImageNet's mean \(f["mean"]?.prose ?? "") and std \(f["std"]?.prose ?? "").

            """
    }

    /// How the images became tensors: Fashion-MNIST's grey squares, or photos of any size.
    private func pixels(_ f: Facts) -> String {
        let size = MD.number(f["image_size"])
        if f["native_size"] != nil {
            let native = MD.number(f["native_size"])
            return
                "Each image is \(native)×\(native) grey pixels, copied into three channels (`open_image`'s `convert('RGB')`), resized to \(size)×\(size)"
        }
        return
            "Each photo is converted to RGB (`open_image`), its shorter side resized to \(size) and the centre \(size)×\(size) cropped (`crop_pad`)"
    }
}

/// The images a training lesson's `data` parameter names, split into training and validation loaders.
struct TrainingSet {
    var data: TrainingData
    var classes: [String]
    var source: String
    /// The side of every image when they all share one (Fashion-MNIST's 28), nil for photos.
    var nativeSize: Int?

    /// Lesson 1's `.normalize(imagenet_stats)`, for both kinds of data.
    static let normalization = Normalization.imagenet

    /// `data: fashion-mnist` reads Debian's package (its test set validates, as the issue's recipe does);
    /// any other value is a folder of photos, labelled and split as Lesson 1 does (below).
    static func load(_ p: LessonParameters) throws -> TrainingSet {
        if p.data != "fashion-mnist" { return try folder(p) }
        let fashion = try FashionMNIST(trainSubset: p.trainSubset, validSubset: p.validSubset)
        let data = TrainingData(
            train: try ImageLoader(
                images: fashion.train, batchSize: p.batchSize, shuffle: true, dropLast: true, size: p.imageSize,
                normalization: normalization, seed: p.seed),
            valid: try ImageLoader(
                images: fashion.valid, batchSize: p.batchSize, shuffle: false, dropLast: false, size: p.imageSize,
                normalization: normalization))
        return TrainingSet(
            data: data, classes: FashionMNIST.classNames,
            source: "Fashion-MNIST (\(FashionMNIST.defaultDirectory), Debian's \(FashionMNIST.debianPackage))",
            nativeSize: fashion.train.height)
    }

    /// A folder of photos, as Lesson 1 builds its data: `path/images` when there is one (the Oxford-IIIT Pet
    /// download's layout), labelled by `ImageDataBunch.from_folder` when it has `train` and `valid`
    /// folders and by `from_name_re(pat)` otherwise, with 20% of the images for validation
    /// (`valid_pct=0.2`, numpy seeded with the lesson's seed). No augmentation (the cell says
    /// `ds_tfms=None`); `train_subset` / `valid_subset` keep the first images of each set.
    static func folder(_ p: LessonParameters) throws -> TrainingSet {
        let fm = FileManager.default
        func isFolder(_ path: String) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        }
        var path = (p.data as NSString).expandingTildeInPath
        guard isFolder(path) else {
            throw StepError(
                "data '\(p.data)': not a folder. Give fashion-mnist (Debian's \(FashionMNIST.debianPackage) package) or a folder of images, e.g. the Oxford-IIIT Pet download (https://www.robots.ox.ac.uk/~vgg/data/pets/) unpacked"
            )
        }
        if isFolder(path + "/images") { path += "/images" }
        let byFolder = isFolder(path + "/train") && isFolder(path + "/valid")
        let (items, _) = try ImageFolder.labelled(path, source: byFolder ? .parentFolder : .nameRegex(p.pat), skipBad: false)
        guard p.seed <= UInt64(UInt32.max) else { throw StepError("seed \(p.seed): numpy's seed, which splits a folder, must fit 32 bits") }
        let split = try ImageSplit(
            items, rule: byFolder ? .folders(root: path, train: "train", valid: "valid") : .randomPercent(0.2, seed: UInt32(p.seed)))
        guard split.c >= 2 else {
            throw StepError(
                "data '\(p.data)': the training images have only one class (\(split.classes.first ?? "")); a classifier needs at least two")
        }
        let train = Array(split.train.prefix(p.trainSubset ?? split.train.count))
        let valid = Array(split.valid.prefix(p.validSubset ?? split.valid.count))
        guard train.count >= p.batchSize else {
            throw StepError(
                "data '\(p.data)': \(train.count) training images, fewer than one batch of \(p.batchSize) (fastai drops the incomplete last batch)")
        }
        var trainLoader = try ImageFileLoader(
            items: train, labels: split.labelIndices(train), batchSize: p.batchSize, shuffle: true, dropLast: true, size: p.imageSize,
            normalization: normalization, seed: p.seed)
        var validLoader = try ImageFileLoader(
            items: valid, labels: split.labelIndices(valid), batchSize: p.batchSize, shuffle: false, dropLast: false, size: p.imageSize,
            normalization: normalization, seed: p.seed)
        trainLoader.workers = 1
        validLoader.workers = 1
        let how = byFolder ? "from_folder" : "from_name_re(pat=\(p.pat)), valid_pct=0.2"
        return TrainingSet(
            data: TrainingData(train: trainLoader, valid: validLoader), classes: split.classes, source: "\(path) (\(how))", nativeSize: nil)
    }
}
