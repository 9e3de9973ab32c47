import Foundation
import Testing

/// Same lesson, parameters and seed → the same bytes, run after run, in separate processes.
/// (HTML sites: `HtmlCommandTests.sameInputSameBytesAndCheckSeesStaleness`.)
@Suite(.serialized) struct DeterminismTests {
    @Test(arguments: ["json", "markdown", "plain"])
    func lessonOneIsByteIdenticalAcrossRuns(format: String) throws {
        let arguments = ["run", "1", "--no-pause", "--format", format]
        let first = try CLI.run(arguments), second = try CLI.run(arguments)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout, "two runs of \(arguments.joined(separator: " ")) differ")
    }

    @Test func setAndSeedAreDeterministicToo() throws {
        func run(seed: Int) throws -> CLI.Result {
            try CLI.run(["run", "1", "--no-pause", "--format", "json", "--set", "seed=\(seed)", "--set", "arch=resnet18", "--set", "image_size=64"])
        }
        let first = try run(seed: 7), second = try run(seed: 7)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        #expect(try run(seed: 8).stdout != first.stdout, "the seed reaches the numbers")
    }

    @Test func notebooksAreByteIdenticalAcrossRuns() throws {
        let arguments = ["notebook", "1", "--out", "-"]
        let first = try CLI.run(arguments), second = try CLI.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
    }
}
