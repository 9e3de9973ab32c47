import Fastai
import Foundation
import NN

/// Trains the lesson's recipe twice from scratch, changing one thing `create_cnn` decides, and
/// puts the two runs side by side: `vary: ps` (dropout 0 against the lesson's `ps`), `vary: init`
/// (the head with and without `apply_init`'s kaiming init), `vary: pretrained` (ImageNet weights,
/// frozen, against random weights, all trained). Both runs see the same batches in the same order.
public struct CompareFitStep: LessonStep {
    public static let id = "compare_fit"
    public static let title = "Train twice, change one thing"
    public static let source = "learn = create_cnn(data, arch, …); learn.fit_one_cycle(epochs)  # twice"
    public static let options = ["vary"]
    public static let facts: FactSchema = [
        "vary", "epochs",
        .list("runs", "name", "setting", "weights", "first_loss", "train_loss", "valid_loss", "error_rate", "gap", "head_dropout"),
        "skipped",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.data, Slots.trainingData]) }

    enum Variable: String, CaseIterable {
        case ps
        case initialisation = "init"
        case pretrained
    }
    var vary: Variable

    public init(options: [String: String]) throws(ParameterError) {
        guard let raw = options["vary"], let v = Variable(rawValue: raw) else {
            throw ParameterError("compare_fit needs `vary:` one of \(Variable.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        vary = v
    }

    struct Run {
        var name: String
        var setting: String
        var weights: String
        var rows: [EpochStats]
        var losses: [Float]
        /// The head's dropout probabilities, in order (`ps=0.5` makes 0.25 then 0.5).
        var headDropout: [Float]
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let data = try state.need(Slots.data)
        let loaders = try state.need(Slots.trainingData)
        var runs: [Run] = []
        var skipped = ""
        func train(_ name: String, _ setting: String, ps: DropoutSpec, initHead: Bool, pretrained: Bool, weights: PretrainedWeights?) throws {
            state.report(.line("\(name): \(setting)"))
            let build = try createCNN(
                data: data, arch: p.arch, cut: p.cut, pretrained: pretrained, linFtrs: p.linFtrs, ps: ps, inChannels: p.inChannels,
                weights: weights, seed: p.seed, initHead: initHead)
            var copy = loaders  // the same shuffling for both runs
            let rows = try build.learner.fitOneCycle(epochs: p.epochs, data: &copy) { event in
                if case .batch(let epoch, let batch, let of, let loss) = event {
                    state.report(
                        .transient("\(name)  epoch \(epoch + 1)/\(p.epochs)  batch \(batch)/\(of)  smoothed loss \(String(format: "%.4f", loss))"))
                }
            }
            let weightsText =
                pretrained
                ? (build.pretrainedLoaded ? "ImageNet (\(build.weights?.file?.lastPathComponent ?? "file"))" : "random (no file found)") : "random"
            let dropouts = build.head.leaves.compactMap { ($0 as? Dropout)?.p }
            runs.append(
                Run(name: name, setting: setting, weights: weightsText, rows: rows, losses: build.learner.recorder.losses, headDropout: dropouts))
        }
        let none = PretrainedWeights(searched: [], file: nil)
        switch vary {
        case .ps:
            try train(
                "ps=0", "no dropout in the head", ps: .single(0), initHead: true, pretrained: p.pretrained, weights: state.locateWeights(p.arch))
            try train(
                "ps=\(p.ps.description)", "the lesson's dropout", ps: p.ps, initHead: true, pretrained: p.pretrained,
                weights: state.locateWeights(p.arch))
        case .initialisation:
            try train(
                "without apply_init", "the head keeps PyTorch's default init", ps: p.ps, initHead: false, pretrained: p.pretrained,
                weights: state.locateWeights(p.arch))
            try train(
                "with apply_init", "kaiming_normal_ on the head's Linear layers", ps: p.ps, initHead: true, pretrained: p.pretrained,
                weights: state.locateWeights(p.arch))
        case .pretrained:
            let found = state.locateWeights(p.arch)
            if found.file != nil {
                try train("pretrained", "ImageNet weights, body frozen", ps: p.ps, initHead: true, pretrained: true, weights: found)
            } else {
                skipped =
                    "no ImageNet weights for \(p.arch.rawValue) are installed (`learnerlens weights` says where they are looked for), so only the random-weights run is shown"
            }
            try train("random weights", "pretrained=False: nothing frozen", ps: p.ps, initHead: true, pretrained: false, weights: none)
        }
        var f = Facts()
        f["vary"] = .text(vary.rawValue)
        f["epochs"] = .int(p.epochs)
        f["runs"] = .list(
            runs.map { r in
                let last = r.rows.last
                let valid = last?.validLoss.map(Double.init)
                let train = last.map { Double($0.trainLoss) }
                return .object([
                    ("name", .text(r.name)), ("setting", .text(r.setting)), ("weights", .text(r.weights)),
                    ("first_loss", .number(Double(r.losses.first ?? .nan), places: 4)),
                    ("train_loss", .number(train ?? .nan, places: 4)), ("valid_loss", .number(valid ?? .nan, places: 4)),
                    ("error_rate", .number(Double(last?.metrics.first ?? .nan), places: 4)),
                    ("gap", .number((valid ?? .nan) - (train ?? .nan), places: 4)),
                    ("head_dropout", .text(r.headDropout.map { FactValue.shortest(Double($0)) }.joined(separator: ", "))),
                ])
            })
        f["skipped"] = .text(skipped)
        state.show(
            .chart(
                .line(
                    title: "Smoothed training loss, batch by batch, for both runs", x: .init(title: "iteration"), y: .init(title: "loss"),
                    series: runs.map { .init(name: $0.name, y: $0.losses) })))
        return f
    }

    public func markdown(_ f: Facts) -> String {
        var out = MD.table(
            ["run", "what changed", "weights", "loss at the first batch", "train loss", "valid loss", "valid − train", "error_rate"],
            MD.items(f["runs"]).map { r in
                [MD.text(r.member("name")?.prose ?? ""), MD.text(r.member("setting")?.prose ?? ""), MD.text(r.member("weights")?.prose ?? "")]
                    + ["first_loss", "train_loss", "valid_loss", "gap", "error_rate"].map { MD.number(r.member($0)) }
            }, right: [3, 4, 5, 6, 7])
        if let s = f["skipped"]?.prose, !s.isEmpty { out += "\n" + s + ".\n" }
        return out
    }
}
