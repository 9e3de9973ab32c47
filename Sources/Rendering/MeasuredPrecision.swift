import Foundation
import LessonKit

/// Measured numbers at a precision a BLAS kernel cannot change.
///
/// A step prints a measured value (`.number`) with a fixed number of decimals, but a value that
/// went through a matrix product may differ in its last digits from one CPU to the next (the
/// kernel OpenBLAS picks sums in another order). Pages, slides and notebooks therefore show such
/// values with at most `significantDigits` significant digits (never more decimals than the step
/// chose): `-172.501` becomes `-173`, `0.0442` stays `0.0442`. Only numbers that are facts of the
/// run are touched; the rewriting is textual, on the Markdown the steps and prose produced.
public struct MeasuredPrecision: Sendable {
    public var significantDigits: Int

    /// Three significant digits keep a float32 network's output stable across CPUs in practice.
    public init(significantDigits: Int = 3) {
        self.significantDigits = significantDigits
    }

    /// The stable form of a value printed with `places` decimals.
    public func stable(_ printed: String) -> String {
        guard let value = Double(printed), let dot = printed.firstIndex(of: ".") else { return printed }
        let places = printed.distance(from: dot, to: printed.endIndex) - 1
        var keep = places
        if value != 0 {
            let magnitude = Int(floor(log10(abs(value))))
            keep = min(places, max(0, significantDigits - 1 - magnitude))
        }
        let out = String(format: "%.\(keep)f", value)
        return out.hasPrefix("-") && Double(out) == 0 ? String(out.dropFirst()) : out
    }

    /// Printed form → stable form for every measured number in `results` that changes.
    public func replacements(for results: [StepResult]) -> [String: String] {
        var map: [String: String] = [:]
        func visit(_ value: FactValue) {
            switch value {
            case .number:
                let printed = value.prose
                let stable = stable(printed)
                if stable != printed { map[printed] = stable }
            case .list(let items): items.forEach(visit)
            case .object(let pairs): pairs.forEach { visit($0.1) }
            default: break
            }
        }
        for r in results { r.facts.pairs.forEach { visit($0.1) } }
        return map
    }

    /// `text` with every whole numeric token found in `replacements` swapped for its stable form.
    public func apply(_ text: String, _ replacements: [String: String]) -> String {
        guard !replacements.isEmpty else { return text }
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            let startsNumber = chars[i].isASCIIDigit || (chars[i] == "-" && i + 1 < chars.count && chars[i + 1].isASCIIDigit)
            let boundary = i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "." || chars[i - 1] == "_")
            guard startsNumber && boundary else {
                out.append(chars[i])
                i += 1
                continue
            }
            var j = i + 1
            while j < chars.count, chars[j].isASCIIDigit || (chars[j] == "." && j + 1 < chars.count && chars[j + 1].isASCIIDigit) { j += 1 }
            let token = String(chars[i..<j])
            let endsClean = j == chars.count || !(chars[j].isLetter || chars[j].isNumber || chars[j] == "_")
            out += endsClean ? (replacements[token] ?? token) : token
            i = j
        }
        return out
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
