import Fastai
import Foundation
import NN

/// `learn.fit_one_cycle(cyc_len, max_lr)`: trains for real and reports fastai's table, the
/// schedule each layer group followed, and which parameters the training moved — frozen weights
/// stay bit-identical, while `train_bn` lets the frozen groups' BatchNorm layers learn and their
/// running statistics follow the new data.
public struct FitOneCycleStep: LessonStep {
    public static let id = "fit_one_cycle"
    public static let title = "Train with the one-cycle schedule"
    public static let source = "learn.fit_one_cycle(4)"
    public static let options = ["max_lr"]
    public static let facts: FactSchema = [
        "call", "epochs", "max_lr", "batches",
        .list("rows", "epoch", "train_loss", "valid_loss", "error_rate", "time"),
        "error_rate", "valid_loss", "train_loss",
        .list("groups", "index", "max_lr", "params", "trainable", "changed", "batchnorm_changed", "stats_changed", "batchnorm_layers"),
        "frozen_params", "frozen_identical", "trainable_params", "trainable_changed", "batchnorm_frozen_changed", "stats_changed",
        "start_lr", "peak_lr", "final_lr", "peak_batch", "first_mom", "lowest_mom", "div_factor", "pct_start",
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.learn, Slots.trainingData], makes: [Slots.trainingData]) }

    var maxLR: LearningRate?
    var maxLRText: String?

    public init(options: [String: String]) throws(ParameterError) {
        if let raw = options["max_lr"] {
            maxLR = try LearningRateSyntax.parse(raw)
            maxLRText = raw
        }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let learn = try state.need(Slots.learn)
        var data = try state.need(Slots.trainingData)
        let lr = maxLR ?? .fastaiDefault
        let before = ParameterSnapshot(learn)
        let table = StatsTable(metricNames: learn.metrics)
        state.report(.line(table.header))
        let rows = try learn.fitOneCycle(epochs: p.epochs, maxLR: lr, data: &data) { event in
            switch event {
            case .batch(let epoch, let batch, let of, let loss):
                state.report(.transient("epoch \(epoch + 1)/\(p.epochs)  batch \(batch)/\(of)  smoothed loss \(String(format: "%.4f", loss))"))
            case .validating(let epoch): state.report(.transient("epoch \(epoch + 1)/\(p.epochs)  validating"))
            case .epoch(let r):
                state.report(.line(table.row(epoch: r.epoch, trainLoss: r.trainLoss, validLoss: r.validLoss, metrics: r.metrics, seconds: r.seconds)))
            }
        }
        try state.make(Slots.trainingData, data)
        let changes = before.changes(in: learn)
        let recorder = learn.recorder

        var f = Facts()
        f["call"] = .text(maxLRText.map { "learn.fit_one_cycle(\(p.epochs), max_lr=\($0))" } ?? "learn.fit_one_cycle(\(p.epochs))")
        f["epochs"] = .int(p.epochs)
        f["max_lr"] = .text(lr.description)
        f["batches"] = .int(recorder.moms.count)
        f["rows"] = .list(rows.map(Self.row))
        if let last = rows.last {
            f["train_loss"] = .number(Double(last.trainLoss), places: 6)
            if let v = last.validLoss { f["valid_loss"] = .number(Double(v), places: 6) }
            if let e = last.metrics.first { f["error_rate"] = .number(Double(e), places: 6) }
        }
        let groupLRs = try lr.perGroup(layerGroups: learn.layerGroups.count)
        f["groups"] = .list(
            changes.groups.enumerated().map { i, g in
                .object([
                    ("index", .int(i)), ("max_lr", .real(groupLRs[i])), ("params", .int(g.params)), ("trainable", .int(g.trainable)),
                    ("changed", .int(g.changed)), ("batchnorm_changed", .int(g.batchNormChanged)), ("stats_changed", .int(g.statsChanged)),
                    ("batchnorm_layers", .int(g.batchNormLayers)),
                ])
            })
        f["frozen_params"] = .int(changes.frozen)
        f["frozen_identical"] = .int(changes.frozenIdentical)
        f["trainable_params"] = .int(changes.trainable)
        f["trainable_changed"] = .int(changes.trainableChanged)
        f["batchnorm_frozen_changed"] = .int(changes.batchNormInFrozenGroupsChanged)
        f["stats_changed"] = .int(changes.groups.reduce(0) { $0 + $1.statsChanged })
        let top = recorder.lastGroupLRs  // the head's rate, batch by batch
        if let start = top.first, let peak = top.max(), let end = top.last, let peakAt = top.firstIndex(of: peak) {
            f["start_lr"] = .real(start)
            f["peak_lr"] = .real(peak)
            f["final_lr"] = .real(end)
            f["peak_batch"] = .int(peakAt + 1)
        }
        // fit_one_cycle's div_factor and pct_start, read back from the rates the run used.
        if let start = top.first, let peak = top.max(), let peakAt = top.firstIndex(of: peak), start > 0, !top.isEmpty {
            f["div_factor"] = .real((peak / start * 1000).rounded() / 1000)
            f["pct_start"] = .text("\(Int((Double(peakAt + 1) / Double(top.count) * 100).rounded()))%")
        }
        if let m0 = recorder.moms.first, let low = recorder.moms.min() {
            f["first_mom"] = .number(m0, places: 3)
            f["lowest_mom"] = .number(low, places: 3)
        }
        for chart in TrainingCharts.fit(recorder: recorder, rows: rows) { state.show(.chart(chart)) }
        return f
    }

    static func row(_ r: EpochStats) -> FactValue {
        .object([
            ("epoch", .int(r.epoch)), ("train_loss", .number(Double(r.trainLoss), places: 6)),
            ("valid_loss", r.validLoss.map { .number(Double($0), places: 6) } ?? .text("#na#")),
            ("error_rate", r.metrics.first.map { .number(Double($0), places: 6) } ?? .text("#na#")),
            ("time", .text(StatsTable.formatTime(r.seconds))),
        ])
    }

    public func markdown(_ f: Facts) -> String {
        var out = MD.code(f["call"]?.prose ?? "") + " ran \(MD.number(f["batches"])) batches:\n\n"
        out += MD.table(
            ["epoch", "train_loss", "valid_loss", "error_rate", "time"],
            MD.items(f["rows"]).map { r in ["epoch", "train_loss", "valid_loss", "error_rate", "time"].map { MD.number(r.member($0)) } },
            right: [0, 1, 2, 3])
        out += "\nThe rates per layer group (`max_lr=\(f["max_lr"]?.prose ?? "")`), and what moved:\n\n"
        out += MD.table(
            ["group", "max lr", "parameters", "trainable", "changed", "BatchNorm changed", "running stats changed"],
            MD.items(f["groups"]).map { g in
                [
                    MD.number(g.member("index")), MD.number(g.member("max_lr")), MD.number(g.member("params")), MD.number(g.member("trainable")),
                    MD.number(g.member("changed")), MD.number(g.member("batchnorm_changed")),
                    "\(MD.number(g.member("stats_changed"))) of \(MD.number(g.member("batchnorm_layers"))) layers",
                ]
            }, right: [0, 1, 2, 3, 4, 5])
        out += "\n\(MD.number(f["frozen_identical"])) of \(MD.number(f["frozen_params"])) frozen parameters are bit-identical after training; "
        out += "\(MD.number(f["trainable_changed"])) of \(MD.number(f["trainable_params"])) trainable ones changed.\n"
        return out
    }
}

/// The parameter values and BatchNorm statistics of a learner before training, to say afterwards
/// which ones moved (exact comparison: a frozen weight must be bit-identical).
struct ParameterSnapshot {
    private var values: [ObjectIdentifier: [Float]] = [:]
    private var stats: [ObjectIdentifier: [Float]] = [:]

    init(_ learn: Learner) {
        for leaf in learn.layerGroups.joined() {
            for p in leaf.parameters { values[ObjectIdentifier(p)] = p.value.storage }
            if let bn = leaf as? BatchNorm { stats[ObjectIdentifier(bn)] = bn.runningMean.value.storage + bn.runningVar.value.storage }
        }
    }

    struct Group {
        var params = 0, trainable = 0, changed = 0, batchNormChanged = 0, statsChanged = 0, batchNormLayers = 0
    }

    struct Changes {
        var groups: [Group] = []
        /// Parameter elements, frozen and trainable, and how many of each changed (or not).
        var frozen = 0, frozenIdentical = 0, trainable = 0, trainableChanged = 0
        var batchNormInFrozenGroupsChanged = 0
    }

    /// Counts in elements (a tensor counts as changed when any of its elements did).
    func changes(in learn: Learner) -> Changes {
        var out = Changes()
        for group in learn.layerGroups {
            var g = Group()
            let groupIsFrozen = group.contains { leaf in !(leaf is BatchNorm) && leaf.parameters.contains { !$0.requiresGrad } }
            for leaf in group {
                let isBN = leaf is BatchNorm
                for p in leaf.parameters {
                    let moved = values[ObjectIdentifier(p)] != p.value.storage
                    g.params += p.count
                    if p.requiresGrad {
                        g.trainable += p.count
                        out.trainable += p.count
                        if moved { out.trainableChanged += p.count }
                    } else {
                        out.frozen += p.count
                        if !moved { out.frozenIdentical += p.count }
                    }
                    if moved {
                        g.changed += p.count
                        if isBN { g.batchNormChanged += p.count }
                        if isBN && groupIsFrozen { out.batchNormInFrozenGroupsChanged += p.count }
                    }
                }
                if let bn = leaf as? BatchNorm {
                    g.batchNormLayers += 1
                    if stats[ObjectIdentifier(bn)] != bn.runningMean.value.storage + bn.runningVar.value.storage { g.statsChanged += 1 }
                }
            }
            out.groups.append(g)
        }
        return out
    }
}

/// The learning-rate syntax of a lesson cell: `3e-3`, `slice(3e-3)` or `slice(1e-6, 1e-4)`, as in fastai.
enum LearningRateSyntax {
    static func parse(_ raw: String) throws(ParameterError) -> LearningRate {
        let text = raw.replacingOccurrences(of: " ", with: "")
        func number(_ s: Substring) throws(ParameterError) -> Double {
            guard let v = Double(s), v.isFinite, v > 0 else {
                throw ParameterError("max_lr expects positive numbers such as 3e-3 or slice(1e-6, 1e-4), got '\(raw)'")
            }
            return v
        }
        guard text.hasPrefix("slice("), text.hasSuffix(")") else { return .value(try number(Substring(text))) }
        let parts = text.dropFirst(6).dropLast().split(separator: ",", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return .slice(start: nil, stop: try number(parts[0]))
        case 2:
            let (a, b) = (try number(parts[0]), try number(parts[1]))
            guard a <= b else { throw ParameterError("max_lr \(raw): slice(a, b) needs a ≤ b (the first layer group gets the smallest rate)") }
            return .slice(start: a, stop: b)
        default: throw ParameterError("max_lr expects slice(stop) or slice(start, stop), got '\(raw)'")
        }
    }
}
