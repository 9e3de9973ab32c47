import Foundation
import LessonKit
import Testing

@Suite struct BuiltinLessonsTests {
    static let lessonsDir = Support.here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Lessons")

    @Test func embeddedCopiesMatchLessonsFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.lessonsDir.path).filter { $0.hasSuffix(".md") }.sorted()
        #expect(BuiltinLessons.names == files.map { String($0.dropLast(3)) }, "run python3 scripts/embed_lessons.py")
        for file in files {
            let onDisk = try String(contentsOf: Self.lessonsDir.appendingPathComponent(file), encoding: .utf8)
            let embedded = BuiltinLessons.text(file)?.text
            #expect(embedded.map { $0 + "\n" } == onDisk, "\(file) is stale in the binary: run python3 scripts/embed_lessons.py")
        }
    }

    @Test func lookupByNameAndNumber() throws {
        #expect(BuiltinLessons.text("1")?.name == BuiltinLessons.defaultName)
        #expect(BuiltinLessons.text("\(BuiltinLessons.defaultName).md") != nil)
        #expect(throws: LessonErrors.self) { try BuiltinLessons.load("no-such-lesson") }
    }

    @Test func everyBuiltinLessonPassesCheck() throws {
        for name in BuiltinLessons.names {
            let lesson = try #require(try BuiltinLessons.lesson(name))
            _ = try LessonChecker.check(lesson)
        }
    }
}
