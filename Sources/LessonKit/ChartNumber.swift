import Foundation

/// How chart numbers are spelled (alt text, labels): a fixed format, so outputs and golden files are stable.
public enum ChartNumber {
    /// Three significant digits (`0.42`, `10`, `153`); `3.0e-03` below 0.001 and from 10⁴ on; `nan`, `inf`.
    public static func short(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : v > 0 ? "inf" : "-inf" }
        if v == 0 { return "0" }
        let a = abs(v)
        return a < 1e-3 || a >= 1e4 ? String(format: "%.1e", v) : String(format: "%.3g", v)
    }
}
