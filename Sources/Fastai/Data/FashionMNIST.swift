import Foundation

/// Fashion-MNIST (Zalando; MIT licence) as Debian's `dataset-fashion-mnist` package installs it:
/// 60,000 training and 10,000 test images, 28×28 grayscale, 10 classes. The test set is the validation set.
public struct FashionMNIST: Sendable, Equatable {
    /// The class names in label order (0 … 9), as the data set's README lists them.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    /// The Debian package that ships the files.
    public static let debianPackage = "dataset-fashion-mnist"
    /// Where that package puts them.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// The four file names: training images and labels, test images and labels.
    public static let fileNames = (
        trainImages: "train-images-idx3-ubyte.gz", trainLabels: "train-labels-idx1-ubyte.gz",
        testImages: "t10k-images-idx3-ubyte.gz", testLabels: "t10k-labels-idx1-ubyte.gz"
    )

    /// The training images.
    public let train: GrayscaleImages
    /// The test images, used for validation.
    public let valid: GrayscaleImages

    /// Whether all four files are in `directory`.
    public static func isAvailable(in directory: String = defaultDirectory) -> Bool {
        let f = fileNames
        return [f.trainImages, f.trainLabels, f.testImages, f.testLabels].allSatisfy {
            FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0))
        }
    }

    /// Loads the data set, optionally only the first `trainSubset`/`validSubset` images of each part.
    public init(directory: String = defaultDirectory, trainSubset: Int? = nil, validSubset: Int? = nil) throws(DataError) {
        let f = Self.fileNames
        func path(_ name: String) throws(DataError) -> String {
            let p = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: p) else {
                throw DataError(
                    "Fashion-MNIST is missing: \(p) does not exist. Install Debian's \(Self.debianPackage) package "
                        + "(apt-get install \(Self.debianPackage)), which puts the files in \(Self.defaultDirectory)")
            }
            return p
        }
        let trainImagesPath = try path(f.trainImages), trainLabelsPath = try path(f.trainLabels)
        let testImagesPath = try path(f.testImages), testLabelsPath = try path(f.testLabels)
        var train = try GrayscaleImages(
            images: IDXFile(contentsOfFile: trainImagesPath), labels: IDXFile(contentsOfFile: trainLabelsPath),
            name: "Fashion-MNIST training set")
        var valid = try GrayscaleImages(
            images: IDXFile(contentsOfFile: testImagesPath), labels: IDXFile(contentsOfFile: testLabelsPath),
            name: "Fashion-MNIST test set")
        for (set, labels) in [("training", train.labels), ("test", valid.labels)] {
            if let bad = labels.first(where: { !(0..<Self.classNames.count).contains($0) }) {
                throw DataError("Fashion-MNIST \(set) set: label \(bad) is not one of the 10 classes")
            }
        }
        if let n = trainSubset { train = try train.prefix(n, of: "training") }
        if let n = validSubset { valid = try valid.prefix(n, of: "validation") }
        self.train = train
        self.valid = valid
    }
}
