import Fastai
import NN

/// Line 1: `meta = cnn_config(arch)` — where to cut, where to split.
public struct CnnConfigStep: LessonStep {
    public static let id = "cnn_config"
    public static let title = "Look up the arch's meta"
    public static let source = "meta = cnn_config(arch)"
    public static let facts: FactSchema = ["arch", "cut", "split", "is_default", "known_archs"]
    public var access: StepAccess { StepAccess(makes: [Slots.meta]) }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let meta = p.meta == "default" ? ModelMeta.default : cnnConfig(p.arch)
        try state.make(Slots.meta, meta)
        var f = Facts()
        f["arch"] = .text(p.arch.rawValue)
        f["cut"] = .text(meta.cut.description)
        f["split"] = .text(meta.splitDescription)
        f["is_default"] = .bool(meta.isDefault)
        f["known_archs"] = .int(Architecture.allCases.count)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let origin = f["is_default"] == .bool(true) ? "`_default_meta` (as for an arch fastai has no entry for)" : "fastai's `model_meta` entry"
        return MD.table(
            ["arch", "meta['cut']", "meta['split']", "from"],
            [[MD.code(f["arch"]?.prose ?? ""), MD.code(f["cut"]?.prose ?? ""), MD.code("lambda m: " + (f["split"]?.prose ?? "")), origin]])
    }
}
