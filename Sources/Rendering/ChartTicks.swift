import Foundation
import LessonKit

/// One axis laid out: the range it shows and its ticks, shared by the SVG and terminal renderers.
///
/// A linear axis steps by 1, 2 or 5 × 10ᵏ and widens the data's range to whole steps, so the
/// ticks cover every point; a log axis widens it to whole decades, labelled `10⁻⁷` (every
/// second or third decade when there are many), with unlabelled minor ticks at 2…9 × 10ᵏ. A
/// fixed range (`Chart.Axis.range`) is kept as given, with the ticks that fall inside it.
public struct ChartTicks: Sendable, Equatable {
    /// A labelled tick.
    public struct Tick: Sendable, Equatable {
        public var value: Double
        public var label: String
    }

    public var scale: Chart.Scale
    /// The range the axis shows (`lower < upper`; both > 0 on a log axis).
    public var lower: Double
    public var upper: Double
    public var ticks: [Tick]
    /// Unlabelled tick positions (log axes: 2…9 × 10ᵏ; decades skipped by the labels).
    public var minor: [Double]

    /// Lays out an axis for `data` (non-finite values, and values ≤ 0 on a log axis, are
    /// ignored), aiming at about `target` labelled ticks.
    public init(scale: Chart.Scale, data: [Double], fixed: ClosedRange<Double>? = nil, target: Int = 5) {
        self.scale = scale
        minor = []
        ticks = []
        let usable = data.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        let fixedRange = fixed.flatMap { r in
            r.lowerBound.isFinite && r.upperBound.isFinite && r.lowerBound < r.upperBound && (scale == .linear || r.lowerBound > 0) ? r : nil
        }
        switch scale {
        case .linear:
            var lo = usable.min() ?? 0, hi = usable.max() ?? 1
            if let fixedRange { (lo, hi) = (fixedRange.lowerBound, fixedRange.upperBound) }
            if lo == hi {
                let pad = lo == 0 ? 1 : abs(lo) / 10
                (lo, hi) = (lo - pad, hi + pad)
            }
            let step = Self.niceStep(hi - lo, target: max(1, target))
            // Spans a Double cannot step through (±1e308 at once, denormals): the two ends, as they are.
            guard lo < hi, step.isFinite, step > 0, abs(lo / step) < 1e12, abs(hi / step) < 1e12 else {
                (lower, upper) = lo < hi && lo.isFinite && hi.isFinite ? (lo, hi) : (0, 1)
                ticks = [Tick(value: lower, label: ChartNumber.short(lower)), Tick(value: upper, label: ChartNumber.short(upper))]
                return
            }
            if fixedRange == nil {
                // Whole steps around the data; `min`/`max` keep a point that rounding put a hair outside.
                let (wideLo, wideHi) = ((lo / step + 1e-9).rounded(.down) * step, (hi / step - 1e-9).rounded(.up) * step)
                if wideLo.isFinite { lo = min(lo, wideLo) }
                if wideHi.isFinite { hi = max(hi, wideHi) }  // near Double's limit the last step may not fit
            }
            (lower, upper) = (lo, hi)
            let first = Int((lo / step - 1e-9).rounded(.up)), last = Int((hi / step + 1e-9).rounded(.down))
            let places = max(0, -Int((log10(step) + 1e-9).rounded(.down)))
            let extreme = places > 5 || max(abs(lo), abs(hi)) >= 1e6
            ticks = (first...max(first, last)).map { k in
                let v = Double(k) * step
                return Tick(value: v, label: extreme ? Self.trimmed(String(format: "%g", v)) : Self.trimmed(String(format: "%.\(places)f", v)))
            }
        case .log10:
            var e0: Int, e1: Int
            if let fixedRange {
                (lower, upper) = (fixedRange.lowerBound, fixedRange.upperBound)
                e0 = Int((log10(lower) - 1e-9).rounded(.up))
                e1 = Int((log10(upper) + 1e-9).rounded(.down))
            } else {
                e0 = Int(((usable.min().map(log10) ?? 0) + 1e-9).rounded(.down))
                e1 = Int(((usable.max().map(log10) ?? 1) - 1e-9).rounded(.up))
                if e0 >= e1 { (e0, e1) = (e0 - 1, e0 + 1) }
                // Decades a Double holds (10³⁰⁹ is infinite; 10⁻³²³ is the last non-zero one).
                e1 = min(308, max(-322, e1))
                e0 = max(-323, min(e0, e1 - 1))
                (lower, upper) = (pow(10, Double(e0)), pow(10, Double(e1)))
            }
            let decades = e1 - e0
            let every = max(1, (decades + 7) / 8)
            if e0 <= e1 && upper.isFinite && lower > 0 {
                for k in e0...e1 {
                    if (k - e0) % every == 0 {
                        ticks.append(Tick(value: pow(10, Double(k)), label: Self.decade(k)))
                    } else {
                        minor.append(pow(10, Double(k)))
                    }
                }
            }
            let d0 = Int((log10(lower) + 1e-9).rounded(.down)), d1 = Int((log10(upper) - 1e-9).rounded(.up))
            if d1 - d0 <= 6 {
                for k in d0...max(d0, d1) {
                    for m in 2...9 {
                        let v = Double(m) * pow(10, Double(k))
                        if v > lower && v < upper { minor.append(v) }
                    }
                }
            }
            minor.sort()
            if ticks.isEmpty {  // a fixed range inside one decade: label its ends
                ticks = [Tick(value: lower, label: ChartNumber.short(lower)), Tick(value: upper, label: ChartNumber.short(upper))]
            }
        }
    }

    /// Where `v` falls: 0 at `lower`, 1 at `upper` (log-spaced on a log axis); NaN if it cannot be placed.
    public func fraction(_ v: Double) -> Double {
        switch scale {
        case .linear: return (v - lower) / (upper - lower)
        case .log10: return v > 0 ? (log10(v) - log10(lower)) / (log10(upper) - log10(lower)) : .nan
        }
    }

    /// Whether `v` lies within the axis' range.
    public func contains(_ v: Double) -> Bool { v.isFinite && v >= lower && v <= upper && (scale == .linear || v > 0) }

    /// 1, 2 or 5 × 10ᵏ, the smallest giving at most about `target` steps over `span`.
    static func niceStep(_ span: Double, target: Int) -> Double {
        let raw = span / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let f = raw / magnitude
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude
    }

    /// `10⁻⁷`, `10⁰`, `10³`.
    public static func decade(_ k: Int) -> String {
        let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let digits = String(abs(k)).compactMap { $0.wholeNumberValue.map { superscripts[$0] } }
        return "10" + (k < 0 ? "⁻" : "") + String(digits)
    }

    /// `-0` and `-0.00` read as `0`, `0.00`.
    static func trimmed(_ s: String) -> String {
        s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
    }
}
