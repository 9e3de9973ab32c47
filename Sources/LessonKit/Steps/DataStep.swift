import Fastai
import Foundation

/// `data = ImageDataBunch.from_name_re(…)`: the classes the head must predict.
public struct DataStep: LessonStep {
    public static let id = "data"
    public static let title = "Make the data"
    public static let source = "data = ImageDataBunch.from_name_re(path_img, fnames, pat, ds_tfms=get_transforms(), size=224, bs=bs)"
    public static let options = ["folder", "pattern"]
    public static let facts: FactSchema = ["c", .list("classes"), "source", "image_size", "batch_size"]
    public var access: StepAccess { StepAccess(makes: [Slots.data]) }

    var folder: String?
    var pattern: String?

    public init(options: [String: String]) throws(ParameterError) {
        folder = options["folder"]
        pattern = options["pattern"]
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let data: DataBunch
        if let folder {
            data = try DataBunch(folder: URL(fileURLWithPath: folder), pattern: pattern)
        } else {
            data = p.classes == 37 ? .pets : try DataBunch(classCount: p.classes)
        }
        try state.make(Slots.data, data)
        var f = Facts()
        f["c"] = .int(data.c)
        f["classes"] = .list(data.classes.map(FactValue.text))
        f["source"] = .text(data.source)
        f["image_size"] = .int(p.imageSize)
        f["batch_size"] = .int(p.batchSize)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let names = MD.items(f["classes"]).map(\.prose)
        let shown = names.prefix(8).map(MD.code).joined(separator: ", ") + (names.count > 8 ? ", … (\(names.count - 8) more)" : "")
        return """
            `data.c` = **\(MD.number(f["c"]))** classes, from \(MD.text(f["source"]?.prose ?? "")): \(shown).

            Batches of \(MD.number(f["batch_size"])) images of \(MD.number(f["image_size"]))×\(MD.number(f["image_size"])) pixels.

            """
    }
}
