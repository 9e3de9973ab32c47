import ArgumentParser
import Foundation
import LessonKit

/// `learnerlens check LESSON…`: every problem in the lessons, without running tensors.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate lessons: step types, options, parameter values, {{facts}} — all problems, as file:line:column.")

    @Argument(help: "Lesson files or built-in lesson names (default: all built-in lessons).")
    var lessons: [String] = []

    func run() throws {
        var failed = false
        for name in lessons.isEmpty ? BuiltinLessons.names : lessons {
            do {
                let lesson = try BuiltinLessons.load(name)
                _ = try LessonChecker.check(lesson)
                print("ok  \(lesson.file) (\(lesson.cells.count) steps)")
            } catch {
                failed = true
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }
}
