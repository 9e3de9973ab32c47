import Fastai
import Foundation
import LessonKit
import NN

/// Helpers shared by the LessonKit tests.
enum Support {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static func fixture(_ name: String) -> URL { here.appendingPathComponent("Fixtures/\(name)") }

    /// No weights file is read in tests, whatever the user's cache holds.
    static let noWeights: @Sendable (Architecture) -> PretrainedWeights = { _ in PretrainedWeights(searched: [], file: nil) }

    static func session(_ text: String, file: String = "t.md", overrides: [(String, String)] = []) throws -> LessonSession {
        try LessonSession(lesson: LessonParser.parse(text, file: file), overrides: overrides, locateWeights: noWeights)
    }

    static func diagnostics(_ text: String, file: String = "t.md") -> [String] {
        do {
            let lesson = try LessonParser.parse(text, file: file)
            _ = try LessonChecker.check(lesson)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// A lesson with the given cells after a minimal front matter.
    static func lesson(_ body: String, front: String = "title: T\narch: resnet18\nimage_size: 64\nclasses: 3") -> String {
        "---\n\(front)\n---\n\n\(body)"
    }

    /// A new empty folder under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ll-lessonkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// False when running as root (or any user whom file modes do not stop): chmod tests skip then.
    static let permissionsEnforced: Bool = {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ll-perm-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8), attributes: [.posixPermissions: 0]) else { return false }
        defer { try? FileManager.default.removeItem(at: file) }
        return FileManager.default.contents(atPath: file.path) == nil
    }()
}
