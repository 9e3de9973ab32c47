import Foundation

/// The lessons shipped inside the binary (from `Lessons/`), so `learnerlens run` works anywhere.
public enum BuiltinLessons {
    /// Names without `.md`, in order (`01-behind-create-cnn`, …).
    public static var names: [String] { embedded.map { String($0.name.dropLast(3)) } }

    /// The default lesson: the first one.
    public static var defaultName: String { names.first ?? "" }

    /// The text of a built-in lesson, by name with or without `.md`, or by its number (`1`, `01`).
    public static func text(_ name: String) -> (name: String, text: String)? {
        let bare = name.hasSuffix(".md") ? String(name.dropLast(3)) : name
        if let hit = embedded.first(where: { $0.name.dropLast(3) == bare }) { return (String(hit.name.dropLast(3)), hit.text) }
        if let n = Int(bare), let hit = embedded.first(where: { Int($0.name.prefix { $0.isNumber }) == n }) {
            return (String(hit.name.dropLast(3)), hit.text)
        }
        return nil
    }

    /// Parses a built-in lesson; its diagnostics name it `builtin:<name>`.
    public static func lesson(_ name: String) throws(LessonErrors) -> Lesson? {
        guard let (bare, text) = text(name) else { return nil }
        var lesson = try LessonParser.parse(text, file: "builtin:\(bare).md")
        lesson.name = bare
        return lesson
    }

    /// A path to a lesson file, or the name of a built-in one.
    public static func load(_ argument: String?) throws(LessonErrors) -> Lesson {
        guard let argument else {
            guard let lesson = try lesson(defaultName) else {
                throw LessonErrors([LessonDiagnostic(file: "builtin", line: 0, "no built-in lessons")])
            }
            return lesson
        }
        if FileManager.default.fileExists(atPath: argument) { return try LessonParser.read(URL(fileURLWithPath: argument)) }
        if let lesson = try lesson(argument) { return lesson }
        // Something that is clearly a path gets the reason it cannot be read, not the built-in list.
        if argument.contains("/") { return try LessonParser.read(URL(fileURLWithPath: argument)) }
        throw LessonErrors([
            LessonDiagnostic(
                file: argument, line: 0, column: 0,
                "no such lesson file, and no built-in lesson of that name\(suggestion(argument, in: names)); built-in: \(names.joined(separator: ", "))"
            )
        ])
    }
}
