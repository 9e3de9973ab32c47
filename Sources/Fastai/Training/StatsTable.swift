import Foundation

/// The table fastai v1 prints while training, as a console shows it (`Recorder.format_stats` into
/// fastprogress's `ConsoleMasterBar.write(table=True)`).
///
/// The header is `epoch train_loss valid_loss <metrics> time`, each name padded to 8 characters and
/// joined by two spaces. A row holds the 0-based epoch, the smoothed training loss after the epoch's
/// last batch, the validation loss and metrics as `%.6f` (`#na#` when missing) and the time as
/// `format_time` prints it; each cell is padded to its column's width plus two. When an epoch did not
/// validate (`lr_find`), fastai's row is `epoch, train_loss, #na#, time`: the time lands under the
/// first metric's column and the row has fewer cells than the header (G11) — kept as fastai prints it.
public struct StatsTable: Sendable, Equatable {
    /// The column names, padded to at least 8 characters.
    public let names: [String]

    /// The columns for these metric names (`["error_rate"]`).
    public init(metricNames: [String], addTime: Bool = true) {
        let raw = ["epoch", "train_loss", "valid_loss"] + metricNames + (addTime ? ["time"] : [])
        names = raw.map { $0.count < 8 ? $0 + String(repeating: " ", count: 8 - $0.count) : $0 }
    }

    /// The header line.
    public var header: String { names.joined(separator: "  ") }

    /// One epoch's row. `validLoss` nil means the epoch did not validate (then `metrics` is ignored,
    /// as fastai's `last_metrics` is `[None]`); `seconds` nil leaves out the time cell.
    public func row(epoch: Int, trainLoss: Float, validLoss: Float?, metrics: [Float?], seconds: Double?) -> String {
        var cells = [String(epoch), Self.decimal(trainLoss)]
        if let validLoss {
            cells.append(Self.decimal(validLoss))
            cells += metrics.map { $0.map(Self.decimal) ?? "#na#" }
        } else {
            cells.append("#na#")
        }
        // format_stats zips the stats with the names, appends the time, and the console zips again.
        cells = Array(cells.prefix(names.count))
        if let seconds { cells.append(Self.formatTime(seconds)) }
        var text = ""
        for (cell, name) in zip(cells, names) {
            text += cell + String(repeating: " ", count: max(0, 2 + name.count - cell.count))
        }
        return text
    }

    /// `f'{x:.6f}'` of a float32 value (widened to double as `.item()` does).
    public static func decimal(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.6f", Double(x))
    }

    /// fastprogress's `format_time`: whole seconds (truncated) as `mm:ss`, or `h:mm:ss` from an hour on.
    public static func formatTime(_ t: Double) -> String {
        let s = t.isFinite ? Int(max(0, t)) : 0
        let h = s / 3600, m = (s / 60) % 60, sec = s % 60
        let mm = m < 10 ? "0\(m)" : "\(m)", ss = sec < 10 ? "0\(sec)" : "\(sec)"
        return h != 0 ? "\(h):\(mm):\(ss)" : "\(mm):\(ss)"
    }
}
