import Foundation
import Rendering
import Testing

/// Writing a site never touches anything outside its folder, nor anything in it LearnerLens did not write.
@Suite struct SiteWriterTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("learnerlens-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func site(_ names: [String]) -> [SiteFile] {
        let files = names.map { SiteFile(name: $0, contents: "<p>\($0)</p>\n") }
        return files + [SiteFile(name: SiteManifest.fileName, contents: SiteManifest(version: "t", options: SiteOptions(), files: names).text)]
    }

    static func list(_ dir: URL) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() }

    @Test func createsTheFolderButNotItsParentsAndLeavesNoStaging() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("site")
        try SiteWriter(directory: dir).write(Self.site(["index.html", "style.css"]))
        #expect(Self.list(dir) == ["index.html", SiteManifest.fileName, "style.css"].sorted())
        #expect(Self.list(root) == ["site"])
        // A missing parent is not created: nothing outside the site's folder is made.
        #expect(throws: SiteError.self) { try SiteWriter(directory: root.appendingPathComponent("a/site")).write(Self.site(["index.html"])) }
        #expect(Self.list(root) == ["site"])
    }

    @Test func refusesAForeignFolderUnlessForced() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "mine".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect(throws: SiteError.self) { try SiteWriter(directory: dir).write(Self.site(["index.html"])) }
        #expect(Self.list(dir) == ["notes.txt"], "nothing written")
        try SiteWriter(directory: dir, force: true).write(Self.site(["index.html"]))
        #expect(Self.list(dir).contains("notes.txt") && Self.list(dir).contains("index.html"))
    }

    @Test func rewritesAnEarlierSiteAndRemovesOnlyItsOwnStaleFiles() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SiteWriter(directory: dir).write(Self.site(["index.html", "old.html"]))
        try "mine".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let removed = try SiteWriter(directory: dir).write(Self.site(["index.html", "new.html"]))
        #expect(removed == ["old.html"])
        #expect(Self.list(dir) == ["index.html", SiteManifest.fileName, "new.html", "notes.txt"].sorted())
    }

    @Test func aTamperedManifestCannotDeleteOutsideTheFolder() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "keep".write(to: root.appendingPathComponent("precious.txt"), atomically: true, encoding: .utf8)
        try "keep".write(to: dir.appendingPathComponent(".hidden"), atomically: true, encoding: .utf8)
        let evil = SiteManifest(version: "t", options: SiteOptions(), files: ["../precious.txt", ".hidden", "/etc/passwd"])
        try evil.text.write(to: dir.appendingPathComponent(SiteManifest.fileName), atomically: true, encoding: .utf8)
        try SiteWriter(directory: dir).write(Self.site(["index.html"]))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("precious.txt").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".hidden").path))
    }

    @Test func refusesFileNamesWithPaths() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: SiteError.self) { try SiteWriter(directory: dir).write([SiteFile(name: "../x.html", contents: "")]) }
        #expect(Self.list(dir).isEmpty)
    }

    @Test func aFileIsNotAFolder() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: SiteError.self) { try SiteWriter(directory: file).write(Self.site(["index.html"])) }
    }

    @Test func checkFindsStaleMissingAndExtraFiles() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SiteWriter(directory: dir).write(Self.site(["a.html", "b.html", "gone.html"]))
        var fresh = Self.site(["a.html", "b.html", "c.html"])
        #expect(SiteCheck.compare(Self.site(["a.html", "b.html", "gone.html"]), with: dir).isEmpty)
        fresh[1].contents = "<p>b.html changed</p>\n"
        let problems = SiteCheck.compare(fresh, with: dir).map(\.file)
        #expect(problems.contains("b.html") && problems.contains("c.html") && problems.contains("gone.html"))
        #expect(!problems.contains("a.html"))
    }
}
