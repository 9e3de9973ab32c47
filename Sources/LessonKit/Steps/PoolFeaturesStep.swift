import Fastai
import NN
import Tensors

/// Pools one real body output by maximum and by average, then concatenates them as the head does.
public struct PoolFeaturesStep: LessonStep {
    public static let id = "pool_features"
    public static let title = "Pool the features two ways"
    public static let source = "x = body(img); torch.cat([nn.AdaptiveMaxPool2d(1)(x), nn.AdaptiveAvgPool2d(1)(x)], dim=1)"
    public static let options = ["show"]
    public static let facts: FactSchema = [
        .shape("body_output"), "features", "grid", "cells", .shape("max_shape"), .shape("avg_shape"), .shape("concat_shape"), "nf", "shown",
        .list("channels", "channel", "max", "avg", "concat_at", "concat_value", "concat_avg_at", "concat_avg_value"), "max_part_diff",
        "avg_part_diff", "rank_correlation", "zero_channels", "smallest_ratio", "largest_ratio", .list("ratio_bins", "from", "to", "channels"),
    ]
    public var access: StepAccess { StepAccess(needs: [Slots.body]) }

    /// How many channels the tables list.
    var show: Int

    public init(options: [String: String]) throws(ParameterError) {
        if let raw = options["show"] { show = try LessonParameters.int(raw, "show", min: 1, max: 16) } else { show = 4 }
    }

    public func run(_ state: StepState, _ p: LessonParameters) throws -> Facts {
        let body = try state.need(Slots.body)
        let image = Tensor.normal([1, p.inChannels, p.imageSize, p.imageSize], generator: &state.generator)
        let x = try body.inEvalMode { try body(image) }
        guard x.rank == 4 else { throw StepError("the body's output \(Tensor.describe(x.shape)) is not a grid of feature maps") }
        let (c, h, w) = (x.shape[1], x.shape[2], x.shape[3])
        let maxed = try AdaptiveMaxPool2d(.square(1))(x)
        let averaged = try AdaptiveAvgPool2d(.square(1))(x)
        // fastai's own layer, so the order inside the concatenation is measured, not assumed.
        let concatenated = try AdaptiveConcatPool2d()(x)
        let cat = concatenated.storage
        let maxPart = zip(cat[0..<c], maxed.storage).map { abs($0 - $1) }.max() ?? 0
        let avgPart = zip(cat[c..<(2 * c)], averaged.storage).map { abs($0 - $1) }.max() ?? 0
        let shown = min(show, c)

        var f = Facts()
        f["body_output"] = .shape(x.shape)
        f["features"] = .int(c)
        f["grid"] = .text("\(h)×\(w)")
        f["cells"] = .int(h * w)
        f["max_shape"] = .shape(maxed.shape)
        f["avg_shape"] = .shape(averaged.shape)
        f["concat_shape"] = .shape(concatenated.shape)
        f["nf"] = .int(concatenated.shape[1])
        f["shown"] = .int(shown)
        f["channels"] = .list(
            (0..<shown).map { i in
                .object([
                    ("channel", .int(i)), ("max", .number(Double(maxed.storage[i]), places: 4)),
                    ("avg", .number(Double(averaged.storage[i]), places: 4)),
                    ("concat_at", .int(i)), ("concat_value", .number(Double(cat[i]), places: 4)),
                    ("concat_avg_at", .int(c + i)), ("concat_avg_value", .number(Double(cat[c + i]), places: 4)),
                ])
            })
        f["max_part_diff"] = .real(Double(maxPart))
        f["avg_part_diff"] = .real(Double(avgPart))
        let compared = PoolComparison(maxima: maxed.storage, means: averaged.storage)
        f["rank_correlation"] = .number(compared.rankCorrelation, places: 2)
        f["zero_channels"] = .int(compared.zeroChannels)
        f["smallest_ratio"] = .number(compared.smallestRatio, places: 1)
        f["largest_ratio"] = .number(compared.largestRatio, places: 1)
        f["ratio_bins"] = .list(
            compared.bins.map { .object([("from", .int(Int($0.lower))), ("to", .int(Int($0.upper))), ("channels", .int($0.count))]) })
        return f
    }

    public func markdown(_ f: Facts) -> String {
        let features = MD.number(f["features"])
        var out =
            "One image goes through the body and comes out as \(MD.shape(f["body_output"])): \(features) feature maps of \(MD.text(f["grid"]?.prose ?? "")) values each.\n\n"
        out += MD.table(
            ["channel", "max (AdaptiveMaxPool2d)", "average (AdaptiveAvgPool2d)"],
            MD.items(f["channels"]).map { [$0["channel"], $0["max"], $0["avg"]] }, right: [0, 1, 2])
        out += "\nMax pooling gives \(MD.shape(f["max_shape"])), average pooling \(MD.shape(f["avg_shape"])), "
        out += "and `AdaptiveConcatPool2d` joins them into \(MD.shape(f["concat_shape"])):\n\n"
        out += MD.table(
            ["position in the concatenation", "value", "which is"],
            MD.items(f["channels"]).map { [$0["concat_at"], $0["concat_value"], "max of channel \($0["channel"])"] }
                + MD.items(f["channels"]).map { [$0["concat_avg_at"], $0["concat_avg_value"], "average of channel \($0["channel"])"] },
            right: [0, 1])
        out += "\nLargest difference between the first \(features) positions and the max pool: \(MD.number(f["max_part_diff"])); "
        out += "between the last \(features) and the average pool: \(MD.number(f["avg_part_diff"])). "
        out += "\nHow many times its mean each channel's max is (channels whose map is all zero have no ratio):\n\n"
        let bins = MD.items(f["ratio_bins"])
        let most = bins.compactMap { if case .int(let n)? = $0.member("channels") { n } else { nil } }.max() ?? 0
        out += MD.table(
            ["max ÷ mean", "channels", ""],
            bins.map { bin in
                let n = if case .int(let n)? = bin.member("channels") { n } else { 0 }
                let bar = most > 0 ? String(repeating: "█", count: (n * 30 + most - 1) / most) : ""
                return ["\(bin["from"]) – \(bin["to"])", "\(bin["channels"])", bar]
            }, right: [1])
        out += "\nSpearman rank correlation between the channels' maxima and means: \(MD.number(f["rank_correlation"])).\n"
        return out
    }
}
