import Foundation
import Rendering
import Testing

/// The notebook's structure as nbformat 4.5 defines it (the schema check itself is in docs/html.md).
@Suite struct NotebookDocumentTests {
    @Test func structure() throws {
        let run = try Fixtures.tiny()
        let text = NotebookDocument(run: run, version: "9.9.9").json()
        let nb = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(nb["nbformat"] as? Int == 4)
        #expect(nb["nbformat_minor"] as? Int == 5)
        let metadata = try #require(nb["metadata"] as? [String: Any])
        #expect((metadata["kernelspec"] as? [String: Any])?["name"] as? String == "python3")
        let lens = try #require(metadata["learnerlens"] as? [String: Any])
        #expect(lens["version"] as? String == "9.9.9")
        #expect((lens["parameters"] as? [String: Any])?["arch"] as? String == "resnet18")
        #expect((lens["parameters"] as? [String: Any])?["seed"] as? Int == 7)

        let cells = try #require(nb["cells"] as? [[String: Any]])
        let ids = cells.compactMap { $0["id"] as? String }
        #expect(ids.count == cells.count && Set(ids).count == ids.count, "every cell has a unique id")
        #expect(ids.allSatisfy { $0.range(of: "^[a-zA-Z0-9_-]{1,64}$", options: .regularExpression) != nil })
        let allCode = cells.filter { $0["cell_type"] as? String == "code" }
        #expect(allCode.first?["id"] as? String == "setup", "the setup cell comes before every step")
        #expect(allCode.first?["execution_count"] is NSNull && (allCode.first?["outputs"] as? [Any])?.isEmpty == true)
        let code = Array(allCode.dropFirst())
        #expect(code.count == 7)
        #expect(code.map { $0["execution_count"] as? Int } == Array(1...7))
        for (i, cell) in code.enumerated() {
            let outputs = try #require(cell["outputs"] as? [[String: Any]])
            #expect(outputs.count == 1)
            #expect(outputs[0]["output_type"] as? String == "execute_result")
            #expect(outputs[0]["execution_count"] as? Int == i + 1)
            let data = try #require(outputs[0]["data"] as? [String: [String]])
            #expect(Set(data.keys) == ["text/markdown", "text/plain"])
            #expect(!(data["text/plain"]?.joined().contains("`") ?? true), "plain text has no Markdown")
        }
        let source = try #require(code[2]["source"] as? [String])
        #expect(source == ["body = create_body(arch(pretrained), ifnone(cut, meta['cut']))"])
        #expect(cells.filter { $0["cell_type"] as? String == "markdown" }.allSatisfy { $0["outputs"] == nil && $0["execution_count"] == nil })
        #expect((cells.first?["source"] as? [String])?.first == "# A tiny `create_cnn`\n")
    }

    /// The setup cell defines what fastai v1's lesson 1 notebook does before `create_cnn`, and every
    /// `create_cnn` argument the cells use, from the lesson's own parameters.
    @Test func setupCellDefinesEveryNameTheCellsUse() throws {
        let run = try Fixtures.tiny()
        let nb = try #require(try JSONSerialization.jsonObject(with: Data(NotebookDocument(run: run, version: "x").json().utf8)) as? [String: Any])
        let cells = try #require(nb["cells"] as? [[String: Any]])
        let setup = try #require(cells.first { $0["id"] as? String == "setup" })
        let code = (setup["source"] as? [String])?.joined() ?? ""
        for line in [
            "from fastai.vision import *", "path = untar_data(URLs.PETS)", "path_img = path/'images'",
            "fnames = get_image_files(path_img)", "np.random.seed(2)", "pat = r'/([^/]+)_\\d+.jpg$'",
            ".normalize(imagenet_stats)", "arch = models.resnet18", "x, y = next(iter(data.valid_dl))",
        ] {
            #expect(code.contains(line), "setup cell lacks \(line)")
        }
        #expect(code.contains("bs = \(run.parameters.batchSize)") && code.contains("size=\(run.parameters.imageSize), bs=bs"))
        // Every name a step cell reads before assigning it is assigned by the setup cell.
        let assigned = Set(
            code.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(" = ") }.flatMap { line in
                line[..<line.range(of: " = ")!.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            })
        for name in [
            "bs", "path_img", "fnames", "pat", "data", "arch", "pretrained", "cut", "lin_ftrs", "ps", "custom_head", "split_on", "kwargs", "x", "img",
        ] {
            #expect(assigned.contains(name), "the setup cell does not define \(name)")
        }
        let firstCode = try #require(cells.firstIndex { $0["cell_type"] as? String == "code" })
        #expect(cells[firstCode]["id"] as? String == "setup")
    }

    @Test func multiLineStringsKeepTheirNewlines() throws {
        let run = try Fixtures.tiny()
        let text = NotebookDocument(run: run, version: "x").json()
        #expect(text.contains("\"The whole line, for reference:\\n\""))
    }
}
