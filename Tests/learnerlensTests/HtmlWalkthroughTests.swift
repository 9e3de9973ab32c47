import Foundation
import Testing

/// The walkthrough published under docs/walkthrough/ is what the current lessons and code generate.
///
/// When this fails, regenerate it (see docs/html.md):
/// `swift run learnerlens html --slides --notebooks --random-weights --out docs/walkthrough`
@Suite struct HtmlWalkthroughTests {
    static let site = CLI.root.appendingPathComponent("docs/walkthrough")

    @Test func publishedWalkthroughIsUpToDate() throws {
        let r = try CLI.run(["html", "--check", Self.site.path])
        #expect(r.status == 0, "docs/walkthrough is stale; regenerate it as docs/html.md says:\n\(r.stdout)\(r.stderr)")
    }

    @Test func publishedWalkthroughLinksResolveOffline() throws {
        #expect(try HtmlCommandTests.brokenLinks(in: Self.site) == [])
    }
}
