/// Compares two renderings of a lesson, forgiving what a different CPU may change: the last
/// digit of a number.
///
/// Measured values are printed at a precision that does not flicker (`MeasuredPrecision`), but a
/// value close to a rounding boundary can still land on the other side on another machine. Two
/// texts are equal here when they are identical except for numbers that differ by at most one
/// unit in their last printed place (`0.0442` vs `0.0443`, `-173` vs `-172`, `0.0999` vs `0.100`).
public enum FlickerTolerance {
    /// Whether `a` and `b` match up to last-digit flicker.
    public static func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0, j = 0
        while i < x.count && j < y.count {
            if let (ta, ea) = number(x, at: i), let (tb, eb) = number(y, at: j) {
                if ta != tb && !close(ta, tb) { return false }
                i = ea
                j = eb
                continue
            }
            if x[i] != y[j] { return false }
            i += 1
            j += 1
        }
        return i == x.count && j == y.count
    }

    /// The numeric token starting at `i` (optional `-`, digits, optional `.` and digits) and where it ends.
    static func number(_ s: [Unicode.Scalar], at i: Int) -> (String, Int)? {
        func digit(_ k: Int) -> Bool { k < s.count && ("0"..."9").contains(s[k]) }
        func word(_ k: Int) -> Bool { k >= 0 && k < s.count && (s[k].properties.isAlphabetic || digit(k) || s[k] == "_" || s[k] == ".") }
        let start = i
        var k = i
        if k < s.count && s[k] == "-" { k += 1 }
        guard digit(k), !word(start - 1) else { return nil }
        while digit(k) { k += 1 }
        if k < s.count, s[k] == ".", digit(k + 1) {
            k += 1
            while digit(k) { k += 1 }
        }
        var token = ""
        token.unicodeScalars.append(contentsOf: s[start..<k])
        return (token, k)
    }

    /// Two numbers at most one unit of the coarser last place apart.
    static func close(_ a: String, _ b: String) -> Bool {
        guard let va = Double(a), let vb = Double(b) else { return false }
        func unit(_ t: String) -> Double {
            guard let dot = t.firstIndex(of: ".") else { return 1 }
            var u = 1.0
            for _ in t[t.index(after: dot)...] { u /= 10 }
            return u
        }
        return abs(va - vb) <= max(unit(a), unit(b)) * (1 + 1e-9)
    }

    /// The first differing line of `a` and `b` (1-based) with both versions, for a report.
    public static func firstDifference(_ a: String, _ b: String) -> (line: Int, expected: String, actual: String)? {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false), lb = b.split(separator: "\n", omittingEmptySubsequences: false)
        for k in 0..<max(la.count, lb.count) {
            let ea = k < la.count ? String(la[k]) : "", eb = k < lb.count ? String(lb[k]) : ""
            if !equal(ea, eb) { return (k + 1, ea, eb) }
        }
        return nil
    }
}
