import Fastai
import Foundation
import LessonKit
import Markup
import NN
import Tensors
import Testing

@testable import Rendering

/// Every output says which weights the run's models had, since scores and activations depend on
/// them while shapes and counts do not.
@Suite struct HeaderNotesTests {
    @Test func aRunSaysItsWeightsWereRandom() throws {
        let run = try Fixtures.tiny()
        #expect(run.weights.map(\.arch) == ["resnet18"])
        #expect(run.weights.first?.loaded == false)
        let note = try #require(HeaderNotes.weights(run.weights))
        #expect(note.hasPrefix("> **Weights.** resnet18: random initialisation (reproducible run: weights not looked for). "))
        #expect(note.contains("so they are a randomly initialised network's, not ImageNet's"))
        let page = LessonPage(run: run, renderer: HTMLRenderer(), version: "test").html()
        #expect(page.contains("<div class=\"weights-note\">"))
        #expect(page.contains("Shapes, parameter counts, layer groups and freezing do not depend on the weight values"))
    }

    @Test func loadedWeightsAreNamed() throws {
        // A real weights file for resnet18's state dict, made here from the model's own values.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var g = RandomGenerator(seed: 1)
        let model = Architecture.resnet18.make(generator: &g)
        let file = dir.appendingPathComponent("resnet18.safetensors")
        try model.stateArchive().write(to: file)
        let lesson = try LessonParser.parse(try Fixtures.text("tiny-lesson.md"), file: "tiny-lesson.md")
        let run = try LessonRun.execute(lesson, locateWeights: { _ in PretrainedWeights(searched: [file.path], file: file) })
        #expect(run.weights.first?.description.hasPrefix("ImageNet weights from resnet18.safetensors (") == true)
        let note = try #require(HeaderNotes.weights(run.weights))
        #expect(note.contains("and come from these weights"))
        #expect(HeaderNotes.weights([]) == nil)
    }
}
