import Foundation
import Testing

/// Compares rendered text with a checked-in golden file next to this source file.
///
/// Set `LEARNERLENS_RECORD=1` to (re)write the golden files instead of comparing. Escape
/// characters are stored as `␛` so the files read well in a diff.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var isRecording: Bool {
        ProcessInfo.processInfo.environment["LEARNERLENS_RECORD"] == "1"
    }

    static func check(
        _ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let url = directory.appendingPathComponent(name)
        let visible = actual.replacingOccurrences(of: "\u{1B}", with: "␛")
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try visible.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("Could not record \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record(
                "Missing golden file Golden/\(name). Run `LEARNERLENS_RECORD=1 swift test` to record it.",
                sourceLocation: sourceLocation)
            return
        }
        if expected != visible {
            Issue.record(
                """
                Output differs from Golden/\(name) (- golden, + actual). \
                Re-record with LEARNERLENS_RECORD=1 if the change is intended.
                \(lineDiff(expected: expected, actual: visible))
                """, sourceLocation: sourceLocation)
        }
    }

    /// A line diff from a longest common subsequence: `  ` same, `- ` golden only, `+ ` actual
    /// only; unchanged lines more than `context` away from a change are folded into `⋮`.
    static func lineDiff(expected: String, actual: String, context: Int = 3) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var common = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                common[i][j] =
                    old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [(mark: Character, text: Substring)] = []
        var i = 0
        var j = 0
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
        let changed = lines.indices.filter { lines[$0].mark != " " }
        var output: [String] = []
        var folded = false
        for index in lines.indices {
            if changed.contains(where: { abs($0 - index) <= context }) {
                output.append("\(lines[index].mark) \(lines[index].text)")
                folded = false
            } else if !folded {
                output.append("⋮")
                folded = true
            }
        }
        return output.joined(separator: "\n")
    }
}
