import LessonKit
import Rendering
import Testing

/// The diagram draws what the pipeline holds, highlights what is new, and describes itself.
@Suite struct PipelineDiagramTests {
    @Test func growsStepByStepWithNewPartsHighlighted() throws {
        let results = try Fixtures.tiny().results
        let body = try #require(results.first { $0.cell.step == "create_body" })
        let head = try #require(results.first { $0.cell.step == "create_head" })
        let before = try #require(results.first { $0.cell.step == "num_features" })

        let bodyDiagram = PipelineDiagram(pipeline: body.pipeline, previous: Pipeline(), idPrefix: "b", title: "after create_body")
        let bodySVG = bodyDiagram.svg()
        #expect(bodySVG.hasPrefix("<svg class=\"pipeline\" role=\"img\""))
        #expect(bodySVG.contains("aria-labelledby=\"b-title b-desc\""))
        #expect(bodySVG.components(separatedBy: "<g class=\"box").count - 1 == 9, "input and the 8 children of resnet18's body")
        #expect(bodySVG.components(separatedBy: " new\">").count - 1 == 9, "all new")
        #expect(!bodySVG.contains("model[1]"), "no head yet")
        #expect(bodyDiagram.description.hasPrefix("input image 3×64×64 → model[0][0] Conv2d 64×32×32"))

        let headDiagram = PipelineDiagram(pipeline: head.pipeline, previous: before.pipeline, idPrefix: "h", title: "after create_head")
        let headSVG = headDiagram.svg()
        #expect(headSVG.contains("model[1] · head"))
        #expect(headSVG.contains(">concat pool</text>"))
        #expect(headDiagram.description.contains("New in this step: model[1][0] concat pool 1024"))
        #expect(!headDiagram.description.contains("New in this step: input"), "the body is not new any more")
        #expect(headSVG.contains(">output</text>") && headSVG.contains(">5</text>"), "ends in the 5 class scores")
    }

    @Test func nothingToDrawIsEmpty() {
        #expect(PipelineDiagram(pipeline: Pipeline(), previous: Pipeline(), idPrefix: "x", title: "t").svg() == "")
    }

    @Test func columnsWrapRows() throws {
        let body = try #require(try Fixtures.tiny().results.first { $0.cell.step == "create_body" })
        let wide = PipelineDiagram(pipeline: body.pipeline, previous: Pipeline(), columns: 9, idPrefix: "w", title: "t").svg()
        let narrow = PipelineDiagram(pipeline: body.pipeline, previous: Pipeline(), columns: 3, idPrefix: "n", title: "t").svg()
        #expect(wide.contains("viewBox=\"0 0 1332 "), "9 boxes in one row")
        #expect(narrow.contains("viewBox=\"0 0 456 "), "3 per row")
        #expect(!wide.contains("V"), "one row: straight arrows only")
    }
}
