import Fastai
import Foundation
import Testing

@testable import LessonKit

/// What each step type declares is what it does. A step that touches an undeclared slot fails at
/// run time (so every lesson test would catch it); this test runs every built-in lesson, small, and
/// checks the other direction: every slot a step type declares it needs or makes, it really reads
/// or writes, and every step type was exercised. Each result's facts matched its schema on the way
/// (the session checks that after every step).
@Suite struct StepAccessTests {
    /// Every built-in lesson at a small image size, and one that adapts the first layer.
    static func runs() throws -> [(step: any LessonStep, cell: String, touched: Set<String>)] {
        var out: [(any LessonStep, String, Set<String>)] = []
        // The step types no built-in lesson uses, on every target they take.
        let extra =
            ["data", "cnn_config", "create_body", "num_features", "create_head", "sequential"]
            .map { "```python\n#| step: \($0)\nx\n```\n" }.joined()
            + ["body", "head", "model", "arch"].map { "```python\n#| step: tree\n#| target: \($0)\nx\n```\n" }.joined()
            + ["body", "head"].map { "```python\n#| step: weights\n#| target: \($0)\nx\n```\n" }.joined()
        for (name, text) in BuiltinLessons.embedded + [("extra.md", Support.lesson(extra))] {
            let lesson = try LessonParser.parse(text, file: name)
            // Lessons that train run on a handful of Fashion-MNIST images (lr_find always takes up to 100 batches).
            let trains = lesson.cells.contains { c in StepRegistry.training.contains { $0.id == c.step } }
            if trains && !FashionMNIST.isAvailable() { continue }
            let overrides = trains ? [("train_subset", "8"), ("valid_subset", "4"), ("batch_size", "2")] : [("image_size", "64")]
            let session = try LessonSession(lesson: lesson, overrides: overrides, locateWeights: Support.noWeights)
            _ = try session.runAll()
            let checked = try LessonChecker.check(lesson, overrides: overrides)
            for (index, (cell, step, _)) in checked.steps.enumerated() {
                out.append((step, cell.step, session.context.touched[index] ?? []))
            }
        }
        return out
    }

    @Test func everyDeclaredSlotIsTouchedAndEveryStepTypeRuns() throws {
        let runs = try Self.runs()
        #expect(Set(runs.map(\.cell)) == Set(StepRegistry.ids), "step types no built-in lesson runs")
        var declared: [String: Set<String>] = [:]
        var touched: [String: Set<String>] = [:]
        for run in runs {
            declared[run.cell, default: []].formUnion((run.step.access.needs + run.step.access.makes).map(\.name))
            touched[run.cell, default: []].formUnion(run.touched)
            #expect(run.touched.isSubset(of: run.step.access.all), "\(run.cell) touched \(run.touched.subtracting(run.step.access.all))")
        }
        for (id, slots) in declared {
            #expect(slots.isSubset(of: touched[id] ?? []), "\(id) declares \(slots.subtracting(touched[id] ?? [])) but never touched them")
        }
    }

    @Test func anUndeclaredSlotIsRefusedByName() throws {
        let context = LessonContext(parameters: LessonParameters())
        let state = StepState(context: context, step: "tree", access: StepAccess(needs: [Slots.head]))
        #expect(throws: StepError.self) { try state.use(Slots.body) }
        do {
            _ = try state.make(Slots.nf, 3)
            Issue.record("an undeclared write must fail")
        } catch {
            #expect(error.message.contains("step tree touched `nf` without declaring it"))
        }
        do {
            _ = try state.need(Slots.head)
            Issue.record("a missing slot must fail")
        } catch {
            #expect(error.message == "needs head, which the create_head or create_head_v2 or create_cnn step makes; run that step first")
        }
    }

    @Test func theSchemaCatchesWhatAStepDidNotDeclare() {
        let schema: FactSchema = ["arch", .list("stages", "name", .shape("shape"))]
        var f = Facts()
        f["arch"] = .text("resnet34")
        f["stages"] = .list([.object([("name", .text("0")), ("shape", .shape([1, 64]))])])
        #expect(schema.mismatch(in: f) == nil)
        f["stages"] = .list([.object([("name", .text("0")), ("size", .int(3))])])
        #expect(schema.mismatch(in: f) == "reported an undeclared member 'stages.0.size'")
        f["stages"] = nil
        f["nf"] = .int(1024)
        #expect(schema.mismatch(in: f) == "reported an undeclared fact 'nf'")
        #expect(schema.problem(with: ["stages", "0", "shape", "1"]) == nil)
        #expect(schema.problem(with: ["stages", "first"]) == "'stages' is a list; index it with a number, not 'first'")
        #expect(schema.problem(with: ["arch", "x"]) == "'arch' is a single value; it has no member 'x'")
        #expect(schema.problem(with: ["nosuch"]) == "has no fact 'nosuch' (it reports arch, stages)")
    }
}
