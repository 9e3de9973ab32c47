import ArgumentParser
import LessonKit

/// `learnerlens list`: the built-in lessons.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in lessons.")

    func run() throws {
        for name in BuiltinLessons.names {
            guard let lesson = try? BuiltinLessons.lesson(name) else { continue }
            let summary = lesson.front.first { $0.key == "summary" }.map { LessonParameters.unquote($0.value) } ?? ""
            print("\(name)\n    \(lesson.title)\n    \(summary)\n    steps: \(lesson.cells.map(\.step).joined(separator: ", "))\n")
        }
    }
}
