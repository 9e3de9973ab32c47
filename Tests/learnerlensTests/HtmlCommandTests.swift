import Foundation
import Testing

/// `learnerlens html` and `learnerlens notebook`, run as a user would.
@Suite struct HtmlCommandTests {
    static let tinyLesson = CLI.root.appendingPathComponent("Tests/RenderingTests/Fixtures/tiny-lesson.md").path

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("learnerlens-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every `href`/`src` in the site's HTML that does not lead to an existing file and anchor,
    /// plus any stylesheet, script or image that would be fetched from the network.
    static func brokenLinks(in dir: URL) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".html") }
        var ids: [String: Set<String>] = [:]
        var pages: [String: String] = [:]
        for name in names {
            let html = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            pages[name] = html
            ids[name] = Set(matches(#"\sid="([^"]*)""#, in: html))
        }
        var broken: [String] = []
        for (name, html) in pages.sorted(by: { $0.key < $1.key }) {
            for link in matches(#"\s(?:href|src)="([^"]*)""#, in: html) {
                if link.hasPrefix("http://") || link.hasPrefix("https://") || link.hasPrefix("mailto:") { continue }
                if link.hasPrefix("data:image/png;base64,") { continue }  // a picture embedded in the page
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let file = parts[0].isEmpty ? name : parts[0]
                guard !file.contains("/"), FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path) else {
                    broken.append("\(name): \(link) (no such file)")
                    continue
                }
                if parts.count == 2, !parts[1].isEmpty, file.hasSuffix(".html"), !(ids[file]?.contains(parts[1]) ?? false) {
                    broken.append("\(name): \(link) (no such anchor)")
                }
            }
            for external in matches(#"<(?:link|script|img)[^>]*\s(?:href|src)="(https?:[^"]*)""#, in: html) {
                broken.append("\(name): loads \(external) from the network")
            }
        }
        return broken
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func theLinkCheckerFindsBrokenLinks() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html =
            "<a href=\"#here\" id=\"here\">ok</a><a href=\"#gone\">x</a><a href=\"b.html#here\">y</a><a href=\"a.html#here\">z</a>"
            + "<link rel=\"stylesheet\" href=\"https://cdn.example/x.css\">"
        try html.write(to: dir.appendingPathComponent("a.html"), atomically: true, encoding: .utf8)
        #expect(
            try Self.brokenLinks(in: dir) == [
                "a.html: #gone (no such anchor)", "a.html: b.html#here (no such file)", "a.html: loads https://cdn.example/x.css from the network",
            ])
    }

    @Test func writesASiteWithSlidesAndNotebooksWhoseLinksResolve() throws {
        let dir = try Self.temporaryDirectory().appendingPathComponent("site")
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let r = try CLI.run(["html", Self.tinyLesson, "--slides", "--notebooks", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("wrote 8 files to "))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(
            files == [
                "deck.css", "deck.js", "index.html", "learnerlens-site.json", "style.css", "tiny-lesson.html", "tiny-lesson.ipynb",
                "tiny-lesson.slides.html",
            ])
        #expect(try Self.brokenLinks(in: dir) == [])
        let slides = try String(contentsOf: dir.appendingPathComponent("tiny-lesson.slides.html"), encoding: .utf8)
        for n in 0...7 { #expect(slides.contains("<section class=\"slide") && slides.contains("id=\"\(n)\"")) }
        let page = try String(contentsOf: dir.appendingPathComponent("tiny-lesson.html"), encoding: .utf8)
        #expect(page.contains("<meta name=\"generator\" content=\"LearnerLens "))
        #expect(!page.contains("<script"), "lesson pages need no JavaScript")
    }

    @Test func sameInputSameBytesAndCheckSeesStaleness() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b")
        #expect(try CLI.run(["html", Self.tinyLesson, "--slides", "--out", a.path]).status == 0)
        #expect(try CLI.run(["html", Self.tinyLesson, "--slides", "--out", b.path]).status == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: a.path) {
            #expect(
                FileManager.default.contentsEqual(atPath: a.appendingPathComponent(name).path, andPath: b.appendingPathComponent(name).path),
                "\(name)")
        }
        let fresh = try CLI.run(["html", "--check", a.path])
        #expect(fresh.status == 0 && fresh.stdout.hasPrefix("up to date: "), "\(fresh.stdout)\(fresh.stderr)")

        let page = a.appendingPathComponent("tiny-lesson.html")
        let text = try String(contentsOf: page, encoding: .utf8)
        try text.replacingOccurrences(of: "Train it.", with: "Train it now.").write(to: page, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: a.appendingPathComponent("deck.js"))
        let stale = try CLI.run(["html", "--check", a.path])
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("tiny-lesson.html: differs from line"))
        #expect(stale.stdout.contains("deck.js: missing"))
        #expect(stale.stdout.contains("regenerate with: learnerlens html \(Self.tinyLesson) --slides --out \(a.path)"))
    }

    @Test func refusesAFolderThatIsNotASite() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "mine".write(to: dir.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)
        let refused = try CLI.run(["html", Self.tinyLesson, "--out", dir.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is not empty and is not a LearnerLens site"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["notes.md"])
        let forced = try CLI.run(["html", Self.tinyLesson, "--out", dir.path, "--force"])
        #expect(forced.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("notes.md").path))
    }

    @Test func optionErrors() throws {
        #expect(try CLI.run(["html", Self.tinyLesson]).status != 0, "needs --out or --check")
        #expect(try CLI.run(["html", "--check", "/tmp", "--slides"]).stderr.contains("--check takes no other options"))
        let notASite = try CLI.run(["html", "--check", FileManager.default.temporaryDirectory.path])
        #expect(notASite.status == 1 && notASite.stderr.contains("is not a LearnerLens site"))
        #expect(try CLI.run(["notebook", Self.tinyLesson, "--out", "x.md"]).stderr.contains("ending in .ipynb"))
    }

    @Test func notebookCommand() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.ipynb")
        let r = try CLI.run(["notebook", Self.tinyLesson, "--out", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "wrote \(file.path) (7 code cells)\n")
        let nb = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        #expect(nb["nbformat"] as? Int == 4)
        let version = ((nb["metadata"] as? [String: Any])?["learnerlens"] as? [String: Any])?["version"] as? String
        #expect(version == (try CLI.run(["--version"])).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        // A LearnerLens notebook may be replaced; anything else only with --force.
        #expect(try CLI.run(["notebook", Self.tinyLesson, "--out", file.path]).status == 0)
        let other = dir.appendingPathComponent("mine.ipynb")
        try "{\"cells\": []}".write(to: other, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["notebook", Self.tinyLesson, "--out", other.path])
        #expect(refused.status == 1 && refused.stderr.contains("is not a LearnerLens notebook"))
        #expect(try String(contentsOf: other, encoding: .utf8) == "{\"cells\": []}")
        let stdout = try CLI.run(["notebook", Self.tinyLesson, "--out", "-"])
        #expect(stdout.stdout.hasPrefix("{\n  \"cells\""))
    }
}
