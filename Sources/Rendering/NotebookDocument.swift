import Foundation
import LessonKit
import Markup

/// A lesson as a Jupyter notebook (nbformat 4.5): Markdown cells for the prose, code cells for
/// the fastai lines with the outputs LearnerLens computed, execution counts 1, 2, 3, …
///
/// Outputs are `text/markdown` (tables and all) and `text/plain` (the same, as the terminal shows
/// it); no `text/html`, so nothing in the notebook runs in Jupyter. The notebook's metadata records
/// the LearnerLens version and the lesson's parameters. JSON with sorted keys: deterministic bytes.
public struct NotebookDocument: Sendable {
    public var run: LessonRun
    public var version: String

    public init(run: LessonRun, version: String) {
        self.run = run
        self.version = version
    }

    /// The notebook's file name in a site.
    public var fileName: String { run.stem + ".ipynb" }

    struct Output: Encodable {
        var output_type = "execute_result"
        /// Only an `execute_result` has one; a figure is `display_data`.
        var execution_count: Int?
        var data: [String: [String]]
        var metadata: [String: String] = [:]
    }

    struct CellMeta: Encodable {
        struct Lens: Encodable { var step: String, id: String, title: String, line: Int }
        var learnerlens: Lens?
    }

    struct NotebookCell: Encodable {
        var cell_type: String
        var id: String
        var metadata: CellMeta
        var source: [String]
        var outputs: [Output]? = nil
        var execution_count: Int? = nil

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(cell_type, forKey: .cell_type)
            try c.encode(id, forKey: .id)
            try c.encode(metadata, forKey: .metadata)
            try c.encode(source, forKey: .source)
            if let outputs { try c.encode(outputs, forKey: .outputs) }
            if let count = execution_count {
                try c.encode(count, forKey: .execution_count)
            } else if cell_type == "code" {
                try c.encodeNil(forKey: .execution_count)  // nbformat: a code cell not run yet
            }
        }
        enum Keys: String, CodingKey { case cell_type, id, metadata, source, outputs, execution_count }
    }

    struct Metadata: Encodable {
        struct Kernel: Encodable { var display_name = "Python 3", language = "python", name = "python3" }
        struct Language: Encodable { var name = "python" }
        struct Lens: Encodable {
            var version: String, lesson: String, file: String
            var parameters: FactValue
            var note =
                "Outputs were computed by LearnerLens, which runs fastai v1's create_cnn rebuilt in Swift; running these cells needs fastai 1.x."
        }
        var kernelspec = Kernel()
        var language_info = Language()
        var learnerlens: Lens
    }

    struct Document: Encodable {
        var cells: [NotebookCell]
        var metadata: Metadata
        var nbformat = 4
        var nbformat_minor = 5
    }

    /// Jupyter's multi-line string: one element per line, each keeping its `\n` but the last.
    static func lines(_ text: String) -> [String] {
        var parts = text.components(separatedBy: "\n")
        if parts.last == "" { parts.removeLast() }
        return parts.enumerated().map { $0.offset < parts.count - 1 ? $0.element + "\n" : $0.element }
    }

    /// The first code cell: what fastai v1's lesson 1 notebook (course-v3 `nbs/dl1/lesson1-pets.ipynb`,
    /// as of fastai 1.0.20) defines before `create_cnn` — imports, the Pets data, the file-name regex,
    /// `bs`, normalised data — then `create_cnn`'s own arguments as this lesson sets them, and a batch,
    /// so that the cells after it find every name they use.
    var setupCode: String {
        let p = run.parameters
        let arch = p.arch.rawValue.hasPrefix("resnet") ? "models.\(p.arch.rawValue)" : "torchvision.models.\(p.arch.rawValue)"
        let cut: String =
            switch p.cut {
            case .index(let i)?: "\(i)"
            case .lastPool?, nil: "None"
            }
        let linFtrs = p.linFtrs.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "None"
        return """
            # Setup, as in fastai v1's lesson 1 notebook (course-v3, nbs/dl1/lesson1-pets.ipynb)
            from fastai import *
            from fastai.vision import *
            from fastai.vision.learner import cnn_config, model_meta, _default_meta
            from fastai.callbacks.hooks import num_features_model
            import torchvision

            bs = \(p.batchSize)   # lesson 1 uses 64; the outputs below were computed with batches of \(p.batchSize)
            path = untar_data(URLs.PETS)
            path_img = path/'images'
            fnames = get_image_files(path_img)
            np.random.seed(2)
            pat = r'/([^/]+)_\\d+.jpg$'
            data = ImageDataBunch.from_name_re(path_img, fnames, pat, ds_tfms=get_transforms(), size=\(p.imageSize), bs=bs).normalize(imagenet_stats)

            # create_cnn's arguments, as this lesson sets them
            arch = \(arch)
            pretrained, cut, lin_ftrs, ps = \(p.pretrained ? "True" : "False"), \(cut), \(linFtrs), \(p.ps.description)
            custom_head, split_on, kwargs = None, None, {}
            x, y = next(iter(data.valid_dl))   # a real batch, for the cells that run one
            img = x[:1]
            """
    }

    /// The notebook as JSON text.
    public func json() -> String {
        var cells: [NotebookCell] = []
        let first = run.segments.first.flatMap { if case .prose(let p) = $0 { return p } else { return nil } } ?? ""
        if !first.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("# ") {
            var header = "# " + MarkdownEscaping.escape(run.parameters.title) + "\n"
            if !run.summary.isEmpty { header += "\n" + MarkdownEscaping.escape(run.summary) + "\n" }
            cells.append(NotebookCell(cell_type: "markdown", id: "title", metadata: CellMeta(), source: Self.lines(header)))
        }
        var prose = 0
        var setupPlaced = false
        func placeSetup() {
            guard !setupPlaced else { return }
            setupPlaced = true
            cells.append(NotebookCell(cell_type: "code", id: "setup", metadata: CellMeta(), source: Self.lines(setupCode), outputs: []))
        }
        for segment in HeaderNotes.inserted(version: run.versionNote, weights: run.weights, into: run.segments) {
            switch segment {
            case .prose(let text):
                let trimmed = text.trimmingCharacters(in: .newlines)
                guard !trimmed.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                prose += 1
                cells.append(NotebookCell(cell_type: "markdown", id: "prose-\(prose)", metadata: CellMeta(), source: Self.lines(trimmed)))
                placeSetup()
            case .step(let r):
                placeSetup()
                let plain = LessonOutput.terminal(r.markdown, color: false, width: 100)
                let output = Output(
                    execution_count: r.index, data: ["text/markdown": Self.lines(r.markdown), "text/plain": Self.lines(plain)])
                cells.append(
                    NotebookCell(
                        cell_type: "code", id: "step-\(r.index)",
                        metadata: CellMeta(learnerlens: .init(step: r.cell.step, id: r.cell.id, title: r.title, line: r.cell.line)),
                        source: Self.lines(r.cell.code),
                        outputs: [output]
                            + r.figures.enumerated().map {
                                Output(output_type: "display_data", data: FigureView.notebookData($1, idPrefix: "nb\(r.index)-\($0)"))
                            },
                        execution_count: r.index))
            }
        }
        placeSetup()
        let doc = Document(
            cells: cells,
            metadata: Metadata(
                learnerlens: .init(version: version, lesson: run.lesson.name, file: run.lesson.file, parameters: run.parameters.facts)))
        return Format.json(doc) + "\n"
    }
}
