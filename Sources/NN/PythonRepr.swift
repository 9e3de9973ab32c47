/// Python's `repr` of a float: `1e-05`, `0.1`, `0.5` (for PyTorch's printed form of a module).
public func pythonFloat(_ v: Float) -> String {
    let d = Double(v)
    if d == d.rounded() && abs(d) < 1e16 { return String(format: "%.1f", d) }
    return String(format: "%.6g", d)
}

/// Python's tuple spelling: `(3, 3)`.
func pair(_ p: (Int, Int)) -> String { "(\(p.0), \(p.1))" }
