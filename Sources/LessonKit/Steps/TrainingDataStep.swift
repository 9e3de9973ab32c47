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
        let normalization = Normalization.imagenet
        let data = TrainingData(
            train: try ImageLoader(
                images: set.train, batchSize: p.batchSize, shuffle: true, dropLast: true, size: p.imageSize, normalization: normalization,
                seed: p.seed),
            valid: try ImageLoader(
                images: set.valid, batchSize: p.batchSize, shuffle: false, dropLast: false, size: p.imageSize, normalization: normalization))
        try state.make(Slots.data, try DataBunch(classes: set.classes, source: set.source))
        try state.make(Slots.trainingData, data)
        var f = Facts()
        f["c"] = .int(set.classes.count)
        f["classes"] = .list(set.classes.map(FactValue.text))
        f["source"] = .text(set.source)
        f["train_count"] = .int(set.train.count)
        f["valid_count"] = .int(set.valid.count)
        f["image_size"] = .int(p.imageSize)
        f["native_size"] = .int(set.train.height)
        f["batch_size"] = .int(p.batchSize)
        f["train_batches"] = .int(data.train.batchCount)
        f["valid_batches"] = .int(data.valid.batchCount)
        f["mean"] = .list(normalization.mean.map { .number(Double($0), places: 3) })
        f["std"] = .list(normalization.std.map { .number(Double($0), places: 3) })
        let shown = min(show, set.valid.count)
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
                        grid: try TitledGrid(batch: batch.images, normalization: normalization, titles: names.map { [$0] }, columns: columns),
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
            Each image is \(MD.number(f["native_size"]))×\(MD.number(f["native_size"])) grey pixels, copied into three channels \
            (`open_image`'s `convert('RGB')`), resized to \(MD.number(f["image_size"]))×\(MD.number(f["image_size"])) and normalised \
            with ImageNet's mean \(f["mean"]?.prose ?? "") and std \(f["std"]?.prose ?? "").

            """
    }
}

/// The images a training lesson's `data` parameter names, split into training and validation sets.
struct TrainingSet {
    var train: GrayscaleImages
    var valid: GrayscaleImages
    var classes: [String]
    var source: String

    /// `data: fashion-mnist` reads Debian's package (its test set validates, as the issue's recipe does).
    static func load(_ p: LessonParameters) throws -> TrainingSet {
        guard p.data == "fashion-mnist" else {
            throw StepError(
                "data '\(p.data)': lessons train on fashion-mnist (Debian's \(FashionMNIST.debianPackage) package); folders of images are read by `learnerlens fit PATH`")
        }
        let fashion = try FashionMNIST(trainSubset: p.trainSubset, validSubset: p.validSubset)
        return TrainingSet(
            train: fashion.train, valid: fashion.valid, classes: FashionMNIST.classNames,
            source: "Fashion-MNIST (\(FashionMNIST.defaultDirectory), Debian's \(FashionMNIST.debianPackage))")
    }
}
