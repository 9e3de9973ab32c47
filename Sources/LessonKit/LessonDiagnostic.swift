/// A problem in a lesson, located as `file:line:column: message` like a compiler's.
public struct LessonDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int = 1, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// Diagnostics sorted by position (line 0, a `--set` value, first), keeping the order of
    /// those at the same place.
    public static func inFileOrder(_ diagnostics: [LessonDiagnostic]) -> [LessonDiagnostic] {
        diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    /// `file:line:column: message`; a problem with no position (line 0: a `--set` value, a missing
    /// built-in lesson) is `file: message`.
    public var description: String { line == 0 ? "\(file): \(message)" : "\(file):\(line):\(column): \(message)" }
}

/// One or more diagnostics: `check` reports all of them, a run stops at the first.
public struct LessonErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [LessonDiagnostic]
    public init(_ diagnostics: [LessonDiagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The closest known name to a misspelt one (edit distance ≤ 3), for "did you mean" hints.
func nearest(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : b.isEmpty ? a.count : row[b.count]
    }
    // Names more than three letters longer or shorter are never close, and the distance of a long
    // (hostile) word would cost its length times each candidate's.
    let length = word.count
    let close = candidates.filter { abs($0.count - length) <= 3 }
    let scored = close.map { ($0, distance(Array(word.lowercased()), Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, min(3, length / 3)) else { return nil }
    return best.0
}

/// ` (did you mean 'x'?)` or nothing.
func suggestion(_ word: String, in candidates: [String]) -> String {
    nearest(word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}
