import Foundation
import NN
import Tensors

/// A learner rebuilt from a `Learner.save` file for inference: `create_cnn` with the saved arch,
/// classes and input channels (no pretrained weights, nothing frozen), the saved weights loaded, and
/// the saved size and statistics turned into fastai v1's valid-set pipeline for new images.
public struct SavedLearner {
    /// The rebuilt learner, its weights loaded (no optimizer).
    public let learner: Learner
    /// The file's metadata.
    public let info: SavedModelInfo

    /// Reads and checks `url` (every state-dict key and shape) and rebuilds its learner.
    public init(contentsOf url: URL) throws {
        let archive = try SafetensorsArchive.read(contentsOf: url)
        let source = url.lastPathComponent
        let info = try SavedModelInfo(metadata: archive.metadata, source: source)
        guard let arch = Architecture(rawValue: info.arch) else {
            throw TrainingError("\(source): unknown arch \"\(info.arch)\"; known: \(Architecture.knownNames)")
        }
        let build = try createCNN(
            data: DataBunch(classes: info.classes, source: source), arch: arch, pretrained: false, ps: .single(info.ps),
            inChannels: info.channels)
        guard build.learner.data.classes == info.classes else {
            throw TrainingError("\(source): the class names must be distinct, got \(info.classes)")
        }
        try build.learner.load(archive, source: source, arch: info.arch, withOpt: false)
        learner = build.learner
        self.info = info
    }

    /// One image file as `learn.predict(open_image(path))` sees it: decoded to RGB, `/255`, the valid
    /// transforms (shorter side resized to `size`, centre crop), normalised: `[1, 3, size, size]`.
    public func input(imageAt path: String) throws -> Tensor {
        guard info.channels == 3 else {
            throw TrainingError("this model takes \(info.channels) input channels; image files give 3 (RGB)")
        }
        let planes = try ImageFileLoader.pixels(of: path, size: info.size)
        return Tensor(shape: [1, 3, info.size, info.size], storage: normalized(planes))
    }

    /// Image `index` of a grayscale set (Fashion-MNIST) as the training loaders serve it: the gray value
    /// in three channels, `/255`, resized to `size`, normalised: `[1, 3, size, size]`.
    public func input(_ images: GrayscaleImages, index: Int) throws -> Tensor {
        guard info.channels == 3 else {
            throw TrainingError("this model takes \(info.channels) input channels; the loader gives 3")
        }
        guard (0..<images.count).contains(index) else {
            throw TrainingError("image \(index) is outside the \(images.count) images (0…\(images.count - 1))")
        }
        let loader = try ImageLoader(
            images: images, batchSize: 1, shuffle: false, dropLast: false, size: info.size, normalization: info.normalization)
        return try loader.batch([index]).images
    }

    /// `(x − mean)/std` per channel on `[C, H, W]` planes, or the planes unchanged without statistics.
    func normalized(_ planes: [Float]) -> [Float] {
        guard let n = info.normalization else { return planes }
        let plane = planes.count / n.mean.count
        var out = planes
        for c in n.mean.indices {
            for i in (c * plane)..<((c + 1) * plane) { out[i] = (planes[i] - n.mean[c]) / n.std[c] }
        }
        return out
    }

    /// `learn.predict(x)`: the category name, its index and the probabilities for one input from `input`.
    public func predict(_ x: Tensor) throws -> (category: String, index: Int, probabilities: [Float]) {
        let (index, p) = try learner.predict(x)
        return (info.classes[index], index, p)
    }
}
