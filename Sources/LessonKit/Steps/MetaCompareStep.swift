import Fastai
import NN
import Tensors

/// `create_cnn` on one arch three times: with its `model_meta` entry, and as an arch fastai has no
/// entry for — `_default_meta` as it was up to fastai 1.0.47 (cut -1, split `(m[1],)`) and as it is
/// since 1.0.53 (cut None, the last child holding a pooling layer): body, nf, groups.
public struct MetaCompareStep: LessonStep {
    public static let id = "meta_compare"
    public static let title = "Compare the metas"
    public static let source = "def dn(p): return arch(p); learn = create_cnn(data, arch); learn = create_cnn(data, dn)"
    public static let facts: FactSchema = ["arch", rowFacts("fastai"), rowFacts("default"), rowFacts("cut_none")]
    public var access: StepAccess {
        StepAccess(needs: [Slots.data], uses: ArchBuilder.access.uses, makes: ArchBuilder.access.makes)
    }

    public init(options: [String: String]) throws(ParameterError) {}

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let data = try state.need(Slots.data)
        let full = try ArchBuilder.build(state, p)
        // Leave the shared model as it was found: freezing below flips requires_grad on its layers.
        let grads = full.parameters.map { ($0, $0.requiresGrad) }
        let modes = full.trainingModes()
        defer {
            for (param, value) in grads { param.requiresGrad = value }
            full.restore(modes)
        }
        let configs: [(String, String, ModelMeta)] = [
            // fastai only uses `_default_meta` for an arch missing from `model_meta` (a wrapper such
            // as `def dn(p): return models.densenet121(p)`): `create_body` falls back to the arch's
            // own entry when `cut` is None, so the rows say which arch and fastai version they are.
            ("fastai", "models.\(p.arch.rawValue): model_meta (fastai 1.0.61)", cnnConfig(p.arch)),
            ("default", "a wrapper, fastai 1.0.20–1.0.47: _default_meta", ModelMeta.default),
            ("cut_none", "a wrapper, fastai ≥ 1.0.53: _default_meta", ModelMeta(cut: .lastPool, split: ModelMeta.default.split, isDefault: true)),
        ]
        var f = Facts()
        f["arch"] = .text(p.arch.rawValue)
        for (key, label, meta) in configs {
            f[key] = try row(label, meta, full: full, data: data, state)
        }
        return f
    }

    /// One row's facts: what each line of `create_cnn` gave, up to the one that failed (`error`).
    static func rowFacts(_ name: String) -> FactField {
        .object(
            name, "meta", "cut", "split", "body_children", .list("body"), "body_params", "features", "nf", "head_params", "groups",
            .list("group_leaves"), .list("group_params"), "trainable", "total", "error")
    }

    /// One `create_cnn`, stopping at the first line that fails, as fastai would.
    func row(_ label: String, _ meta: ModelMeta, full: Module, data: DataBunch, _ state: StepState) throws -> FactValue {
        var fields: [(String, FactValue)] = [
            ("meta", .text(label)), ("cut", .text(meta.cut.description)), ("split", .text(meta.splitDescription)),
        ]
        // fastai slices the children without checking; an empty body only fails on the next line.
        let body = try createBody(full, cut: meta.cut, allowingEmpty: true)
        let kept = body.children.count
        fields.append(("body_children", .int(kept)))
        fields.append(("body", .list(full.namedChildren.prefix(kept).map { .text($0.name) })))
        fields.append(("body_params", .int(body.parameterCount())))
        let probe: FeatureProbe
        do {
            probe = try numFeaturesModel(body, generator: &state.generator)
        } catch {
            fields.append(("error", .text("num_features_model: \(error)")))
            return .object(fields)
        }
        let nf = probe.features * 2
        let head = try createHead(nf: nf, nc: data.c, generator: &state.generator)
        let model = Sequential(body, head)
        let learn = try Learner(data: data, model: model)
        fields.append(("features", .int(probe.features)))
        fields.append(("nf", .int(nf)))
        fields.append(("head_params", .int(head.parameterCount())))
        do {
            try learn.split(meta.split)
            try learn.freeze()
        } catch {
            fields.append(("error", .text("\(error)")))
            return .object(fields)
        }
        let groups = learn.layerGroups
        fields.append(("groups", .int(groups.count)))
        fields.append(("group_leaves", .list(groups.map { .int($0.count) })))
        fields.append(("group_params", .list(groups.map { g in .int(Learner.parameters(of: g).reduce(0) { $0 + $1.count }) })))
        fields.append(("trainable", .int(model.parameterCount(trainableOnly: true))))
        fields.append(("total", .int(model.parameterCount())))
        return .object(fields)
    }

    public func markdown(_ f: Facts) -> String {
        let rows = ["fastai", "default", "cut_none"].compactMap { f[$0] }
        var out = MD.table(
            ["meta", "cut", "split", "body", "nf", "groups: leaves", "trainable after freeze"],
            rows.map { r in
                let body = MD.items(r.member("body")).map { MD.code($0.prose) }.joined(separator: ", ")
                let groups = zip(MD.items(r.member("group_leaves")), MD.items(r.member("group_params"))).map { "\($0.0.prose) (\($0.1.prose))" }
                return [
                    MD.text(r["meta"]), MD.code(r["cut"]), MD.code(r["split"]), body.isEmpty ? "*empty*" : body,
                    r.member("nf") != nil ? r["nf"] : "—", groups.isEmpty ? "—" : groups.joined(separator: " · "),
                    r.member("trainable") != nil ? r["trainable"] : "—",
                ]
            })
        for r in rows where r.member("error") != nil {
            out += "\nWith \(MD.text(r["meta"])) `create_cnn` stops:\n\n```text\n\(r["error"])\n```\n"
        }
        return out
    }
}
