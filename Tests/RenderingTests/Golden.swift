import Foundation
import Rendering
import Testing

/// Compares generated text with a checked-in file under `Golden/`, next to this source file.
///
/// `LEARNERLENS_RECORD=1 swift test` (re)writes the files. Numbers may differ by one unit in
/// their last digit (a BLAS kernel on another CPU), as `FlickerTolerance` allows; anything else
/// fails with a line diff.
enum Golden {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let directory = testsDirectory.appendingPathComponent("Golden")

    static var isRecording: Bool { ProcessInfo.processInfo.environment["LEARNERLENS_RECORD"] == "1" }

    static func check(_ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name)
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("Could not record \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("Missing golden file Golden/\(name). Run `LEARNERLENS_RECORD=1 swift test` to record it.", sourceLocation: sourceLocation)
            return
        }
        if !FlickerTolerance.equal(expected, actual) {
            Issue.record(
                """
                Output differs from Golden/\(name) (- golden, + actual). Re-record with LEARNERLENS_RECORD=1 if the change is intended.
                \(lineDiff(expected: expected, actual: actual))
                """, sourceLocation: sourceLocation)
        }
    }

    /// A line diff from a longest common subsequence, unchanged lines far from a change folded.
    static func lineDiff(expected: String, actual: String, context: Int = 3) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var common = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [(Character, Substring)] = []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                lines.append((" ", old[i]))
                i += 1
                j += 1
            } else if i < old.count, j == new.count || common[i + 1][j] >= common[i][j + 1] {
                lines.append(("-", old[i]))
                i += 1
            } else {
                lines.append(("+", new[j]))
                j += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].0 != " " }
        var out: [String] = []
        var folded = false
        for k in lines.indices {
            if changed.contains(where: { abs($0 - k) <= context }) {
                out.append("\(lines[k].0) \(lines[k].1)")
                folded = false
            } else if !folded {
                out.append("⋮")
                folded = true
            }
        }
        return out.joined(separator: "\n")
    }
}
