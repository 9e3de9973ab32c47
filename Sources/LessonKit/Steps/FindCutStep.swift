import Fastai
import NN
import Tensors

/// Looks at an arch's top-level children the way a cut has to: which contain a pooling layer
/// (fastai's `cut=None` rule), and what one image looks like after each when they are chained.
public struct FindCutStep: LessonStep {
    public static let id = "find_cut"
    public static let title = "Search for the cut"
    public static let source = "[(i, type(c).__name__, has_pool_type(c)) for i, c in enumerate(arch(pretrained).children())]"
    public static let facts: FactSchema = [
        "arch", .list("children", "index", "name", "type", "params", "has_pool", .shape("output"), "error"), "child_count", "last_pool",
        "last_pool_name", "pool_keeps", .list("pool_body"), "pool_error", "chain_breaks_at", "chain_error", .list("grid_children"), "suggested_cut",
        "meta_cut", "meta_keeps", "agrees",
    ]
    public var access: StepAccess { ArchBuilder.access }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let full = try ArchBuilder.build(state, p)
        let named = full.namedChildren
        let kids = full.children

        // One image through the children in order, as nn.Sequential(*children) would run them.
        var x = Tensor.normal([1, p.inChannels, p.imageSize, p.imageSize], generator: &state.generator)
        var outputs: [[Int]?] = []
        var breaksAt: Int?
        var chainError = ""
        full.inEvalMode {
            for (i, kid) in kids.enumerated() {
                do {
                    x = try kid(x)
                    outputs.append(x.shape)
                } catch {
                    breaksAt = i
                    chainError = (error as? ForwardError)?.message ?? "\(error)"
                    break
                }
            }
        }
        // The grid children: the leading run whose output is still a map of more than one position.
        let grid = outputs.prefix { shape in shape.map { $0.count == 4 && $0[2] * $0[3] > 1 } ?? false }.count

        let lastPool = kids.lastIndex(where: containsPooling)
        let meta = cnnConfig(p.arch)
        let metaKeeps = (try? meta.cut.keptChildren(of: full)) ?? 0

        var f = Facts()
        f["arch"] = .text(p.arch.rawValue)
        f["children"] = .list(
            named.enumerated().map { i, pair in
                var fields: [(String, FactValue)] = [
                    ("index", .int(i)), ("name", .text(pair.name)), ("type", .text(pair.module.typeName)),
                    ("params", .int(pair.module.parameterCount())), ("has_pool", .bool(containsPooling(pair.module))),
                ]
                if i < outputs.count, let shape = outputs[i] { fields.append(("output", .shape(shape))) }
                if i == breaksAt { fields.append(("error", .text(chainError))) }
                return .object(fields)
            })
        f["child_count"] = .int(kids.count)
        if let lastPool {
            f["last_pool"] = .int(lastPool)
            f["last_pool_name"] = .text(named[lastPool].name)
            f["pool_keeps"] = .int(lastPool)
            f["pool_body"] = .list(named.prefix(lastPool).map { .text($0.name) })
            if lastPool == 0 {
                // fastai builds the empty Sequential without complaint; the next line is the one that fails.
                do {
                    _ = try numFeaturesModel(Sequential([Module]()), generator: &state.generator)
                } catch {
                    f["pool_error"] = .text("num_features_model: \(error)")
                }
            }
        }
        f["chain_breaks_at"] = .text(breaksAt.map { named[$0].name } ?? "none")
        if breaksAt != nil { f["chain_error"] = .text(chainError) }
        f["grid_children"] = .list(named.prefix(grid).map { .text($0.name) })
        f["suggested_cut"] = .int(grid < kids.count ? grid - kids.count : grid)
        f["meta_cut"] = .text(meta.cut.description)
        f["meta_keeps"] = .int(metaKeeps)
        f["agrees"] = .bool(metaKeeps == grid)
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = MD.table(
            ["#", "child", "type", "parameters", "has a pool layer", "one image after it"],
            MD.items(f["children"]).map {
                [
                    $0["index"], MD.code($0["name"]), MD.text($0["type"]), $0["params"], $0["has_pool"] == "true" ? "yes" : "no",
                    $0.member("output") != nil ? MD.code($0["output"]) : $0.member("error") != nil ? "fails: \(MD.text($0["error"]))" : "—",
                ]
            }, right: [0, 3])
        if let last = f["last_pool_name"] {
            out += "\n`cut=None` looks for the last child with a pool layer: \(MD.code(last.prose)), at index \(MD.number(f["last_pool"])). "
            out += "The body keeps the children before it: \(MD.number(f["pool_keeps"])).\n"
        } else {
            out += "\nNo child contains a pool layer: `cut=None` has nowhere to cut.\n"
        }
        if let error = f["pool_error"] { out += "\nAn empty body does not go far:\n\n```text\n\(error.prose)\n```\n" }
        let grid = MD.items(f["grid_children"]).map { MD.code($0.prose) }.joined(separator: ", ")
        out += "\nChildren that still output a grid of feature maps: \(grid). Cutting after them is `cut=\(f["suggested_cut"]?.prose ?? "")`; "
        out += "fastai's `model_meta` says \(MD.code(f["meta_cut"]?.prose ?? "")).\n"
        return out
    }
}

/// `arch(pretrained)` for steps that look at the whole torchvision model: built once per arch and
/// kept in the context, with the pretrained weights loaded when the lesson asks for them.
enum ArchBuilder {
    /// What building (or reusing) the model reads and writes.
    static let access = StepAccess(
        uses: [Slots.architecture, Slots.firstLayerChange, Slots.replacedLayers, Slots.body], makes: [Slots.architecture])

    /// The model `arch(pretrained)` gave earlier in the lesson when nothing has changed it since
    /// (no body cut from it, no layer replaced), or a new one.
    static func build(_ state: StepState, _ p: LessonParameters) throws -> Module {
        if let built = try state.use(Slots.architecture), built.arch == p.arch, try state.use(Slots.firstLayerChange) == nil,
            try state.use(Slots.replacedLayers)?.isEmpty ?? true, try state.use(Slots.body) == nil
        {
            return built.model
        }
        let loaded = try loadArchitecture(
            p.arch, pretrained: p.pretrained, weights: p.pretrained ? state.locateWeights(p.arch) : nil,
            generator: &state.generator)
        try state.make(Slots.architecture, loaded)
        return loaded.model
    }
}
