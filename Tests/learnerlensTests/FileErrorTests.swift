import Foundation
import Testing

/// Files that are missing, unreadable, too big, folders, or outputs that cannot be written: every
/// command names the path and the reason, exits 1, and never crashes.
///
/// Arguments use `{dir}` for a fresh folder holding `lesson.md` (a valid lesson), `notes.txt` (a
/// plain file), `big.md` (10 MB) and `folder/`.
@Suite(.serialized) struct FileErrorTests {
    static let tinyLesson = CLI.root.appendingPathComponent("Tests/RenderingTests/Fixtures/tiny-lesson.md")

    /// chmod 000 and 555 do not stop root: those tests are skipped when running as root.
    static let permissionsEnforced: Bool = {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ll-perm-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8), attributes: [.posixPermissions: 0]) else { return false }
        defer { try? FileManager.default.removeItem(at: file) }
        return FileManager.default.contents(atPath: file.path) == nil
    }()

    static func makeFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: tinyLesson, to: dir.appendingPathComponent("lesson.md"))
        try "not a folder".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Runs with `{dir}` replaced; expects exit 1, the message, and no crash report.
    func expectFailure(_ arguments: [String], _ message: String, in dir: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let args = arguments.map { $0.replacingOccurrences(of: "{dir}", with: dir.path) }
        let r = try CLI.run(args)
        let expected = message.replacingOccurrences(of: "{dir}", with: dir.path)
        #expect(r.status == 1, "\(args): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(expected), "\(args)\nexpected: \(expected)\nstderr: \(r.stderr)", sourceLocation: sourceLocation)
        for crash in ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction"] {
            #expect(!r.stderr.contains(crash), "\(args): \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        (["run", "{dir}/nope.md"], "{dir}/nope.md:1:1: no such lesson file"),
        (["check", "{dir}/nope.md"], "{dir}/nope.md:1:1: no such lesson file"),
        (["check", "nope"], "nope: no such lesson file, and no built-in lesson of that name"),
        (["notebook", "{dir}/nope.md", "--out", "{dir}/x.ipynb"], "{dir}/nope.md:1:1: no such lesson file"),
        (["html", "{dir}/nope.md", "--out", "{dir}/site"], "{dir}/nope.md:1:1: no such lesson file"),
        (["run", "{dir}/notes.txt/lesson.md"], "{dir}/notes.txt/lesson.md:1:1: {dir}/notes.txt is a file, not a folder"),
        (["summary", "--weights", "{dir}/nope.safetensors"], "--weights {dir}/nope.safetensors: no such file"),
        (["summary", "--weights", "{dir}/folder"], "--weights {dir}/folder: is a folder, not a file"),
        (
            ["forward", "--weights", "{dir}/nope", "--input", "{dir}/notes.txt", "--output", "{dir}/y.safetensors"],
            "--weights {dir}/nope: no such file"
        ),
        (
            ["forward", "--weights", "{dir}/notes.txt", "--input", "{dir}/nope", "--output", "{dir}/y.safetensors"],
            "--input {dir}/nope: no such file"
        ),
        (["forward", "--weights", "{dir}/notes.txt", "--input", "{dir}/notes.txt", "--output", "{dir}/y.safetensors"], "error: {dir}/notes.txt: "),  // not a safetensors file: the reader says why
        (["html", "--check", "{dir}/folder"], "{dir}/folder is not a LearnerLens site"),
    ])
    func missingFilesAreNamed(arguments: [String], message: String) throws {
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try expectFailure(arguments, message, in: dir)
    }

    /// A directory or a 10 MB file passed as a lesson, to every command that reads lessons.
    @Test(arguments: ["run", "check", "notebook", "html"])
    func foldersAndHugeFilesAreNotLessons(command: String) throws {
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(repeating: UInt8(ascii: "a"), count: 10_000_000).write(to: dir.appendingPathComponent("big.md"))
        let out: [String] = command == "notebook" ? ["--out", "{dir}/x.ipynb"] : command == "html" ? ["--out", "{dir}/site"] : []
        try expectFailure([command, "{dir}/folder"] + out, "{dir}/folder:1:1: is a directory; expected a lesson file (.md)", in: dir)
        try expectFailure([command, "{dir}/big.md"] + out, "{dir}/big.md:1:1: file is 10000000 bytes; lessons are limited to 1000000 bytes", in: dir)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("site").path), "nothing written")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.ipynb").path), "nothing written")
    }

    /// Every command that writes files, pointed at a path whose folder is a file (or which is a folder).
    @Test(arguments: [
        (
            ["html", "{dir}/lesson.md", "--out", "{dir}/notes.txt/site"],
            "cannot write the site to {dir}/notes.txt/site: {dir}/notes.txt is a file, not a folder"
        ),
        (["html", "{dir}/lesson.md", "--out", "{dir}/notes.txt"], "cannot write the site to {dir}/notes.txt: is a file, not a folder"),
        (["html", "{dir}/lesson.md", "--out", "{dir}/nope/site"], "cannot write the site to {dir}/nope/site: the folder {dir}/nope does not exist"),
        (
            ["notebook", "{dir}/lesson.md", "--out", "{dir}/notes.txt/x.ipynb"],
            "--out {dir}/notes.txt/x.ipynb: {dir}/notes.txt is a file, not a folder"
        ),
        (["notebook", "{dir}/lesson.md", "--out", "{dir}/nope/x.ipynb"], "--out {dir}/nope/x.ipynb: the folder {dir}/nope does not exist"),
        (
            ["forward", "--weights", "{dir}/notes.txt", "--input", "{dir}/notes.txt", "--output", "{dir}/notes.txt/y.safetensors"],
            "--output {dir}/notes.txt/y.safetensors: {dir}/notes.txt is a file, not a folder"
        ),
        (
            ["forward", "--weights", "{dir}/notes.txt", "--input", "{dir}/notes.txt", "--output", "{dir}/folder"],
            "--output {dir}/folder: is a folder; give a file name"
        ),
    ])
    func outputsThatCannotBeWrittenAreNamed(arguments: [String], message: String) throws {
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try expectFailure(arguments, message, in: dir)
    }

    @Test func aNotebookNamedLikeAFolderIsRefused() throws {
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("nb.ipynb"), withIntermediateDirectories: false)
        try expectFailure(["notebook", "{dir}/lesson.md", "--out", "{dir}/nb.ipynb"], "--out {dir}/nb.ipynb: is a folder; give a file name", in: dir)
    }

    @Test(
        .enabled(if: permissionsEnforced, "running as root: chmod 000 does not stop reading"),
        arguments: [
            (["run", "{dir}/locked"], "{dir}/locked:1:1: cannot be read: permission denied"),
            (["check", "{dir}/locked"], "{dir}/locked:1:1: cannot be read: permission denied"),
            (["notebook", "{dir}/locked", "--out", "{dir}/x.ipynb"], "{dir}/locked:1:1: cannot be read: permission denied"),
            (["html", "{dir}/locked", "--out", "{dir}/site"], "{dir}/locked:1:1: cannot be read: permission denied"),
            (["summary", "--weights", "{dir}/locked"], "--weights {dir}/locked: cannot be read: permission denied"),
            (
                ["forward", "--weights", "{dir}/locked", "--input", "{dir}/notes.txt", "--output", "{dir}/y.safetensors"],
                "--weights {dir}/locked: cannot be read: permission denied"
            ),
            (
                ["forward", "--weights", "{dir}/notes.txt", "--input", "{dir}/locked", "--output", "{dir}/y.safetensors"],
                "--input {dir}/locked: cannot be read: permission denied"
            ),
        ])
    func unreadableFilesAreNamed(arguments: [String], message: String) throws {
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.copyItem(at: Self.tinyLesson, to: locked)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked.path)
        try expectFailure(arguments, message, in: dir)
    }

    @Test(
        .enabled(if: permissionsEnforced, "running as root: chmod 555 does not stop writing"),
        arguments: [
            (
                ["html", "{dir}/lesson.md", "--out", "{dir}/ro/site"],
                "cannot write the site to {dir}/ro/site: the folder {dir}/ro is not writable: permission denied"
            ),
            (["html", "{dir}/lesson.md", "--out", "{dir}/ro"], "cannot write the site to {dir}/ro: the folder is not writable: permission denied"),
            (
                ["notebook", "{dir}/lesson.md", "--out", "{dir}/ro/x.ipynb"],
                "--out {dir}/ro/x.ipynb: the folder {dir}/ro is not writable: permission denied"
            ),
            (
                ["forward", "--weights", "{dir}/notes.txt", "--input", "{dir}/notes.txt", "--output", "{dir}/ro/y.safetensors"],
                "--output {dir}/ro/y.safetensors: the folder {dir}/ro is not writable: permission denied"
            ),
        ])
    func readOnlyFoldersAreNamed(arguments: [String], message: String) throws {
        let dir = try Self.makeFolder()
        let ro = dir.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: ro.path)
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ro.path)
            try? FileManager.default.removeItem(at: dir)
        }
        try expectFailure(arguments, message, in: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ro.path).isEmpty, "nothing written")
    }
}
