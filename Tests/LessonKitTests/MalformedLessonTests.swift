import Foundation
import LessonKit
import Testing

/// A corpus of broken lessons (`Fixtures/malformed/NAME.md`), each with the full list of what
/// `check` must say about it (`NAME.expected`, one diagnostic a line). `LEARNERLENS_RECORD=1`
/// rewrites the expected files; read the diff before committing it.
@Suite struct MalformedLessonTests {
    static let folder = Support.here.appendingPathComponent("Fixtures/malformed")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
    }

    /// What `learnerlens check` reports: the parser's problems and the checker's, in file order.
    static func diagnostics(_ data: Data, file: String) -> [String] {
        do {
            let lesson = try LessonParser.parse(data, file: file)
            _ = try LessonChecker.check(lesson)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func theCorpusIsThere() {
        #expect(Self.names.count >= 14)
    }

    @Test(arguments: names) func everyProblemIsReported(_ name: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let found = Self.diagnostics(data, file: name)
        let expectedURL = Self.folder.appendingPathComponent(String(name.dropLast(3)) + ".expected")
        if ProcessInfo.processInfo.environment["LEARNERLENS_RECORD"] != nil {
            try Data((found.joined(separator: "\n") + "\n").utf8).write(to: expectedURL)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(!found.isEmpty, "a malformed lesson must not pass check")
        #expect(found == expected, "\(name):\n\(found.joined(separator: "\n"))")
    }
}
