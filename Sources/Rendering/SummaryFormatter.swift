import Fastai
import Foundation

/// The output formats of a model summary.
public enum SummaryFormat: String, CaseIterable, Sendable {
    case text, markdown, csv, json
}

/// Formats a `ModelSummary` (torchinfo / `learn.summary()` style). Formats values, computes nothing.
public struct SummaryFormatter {
    public var summary: ModelSummary
    public var facts: CNNFacts
    /// Deepest level shown (0 = the model's children); nil shows every layer down to the leaves.
    public var maxDepth: Int?

    public init(summary: ModelSummary, facts: CNNFacts, maxDepth: Int? = nil) {
        self.summary = summary
        self.facts = facts
        self.maxDepth = maxDepth
    }

    var rows: [SummaryRow] { summary.rows.filter { maxDepth == nil || $0.depth <= maxDepth! } }

    public func render(_ format: SummaryFormat) -> String {
        switch format {
        case .text: text()
        case .markdown: markdown()
        case .csv: csv()
        case .json: json()
        }
    }

    static let headers = ["Layer (type)", "Input shape", "Output shape", "Param #", "Trainable", "Group"]

    func cells(_ r: SummaryRow, indent: Bool) -> [String] {
        let name = (indent ? String(repeating: "  ", count: r.depth) : "") + "\(r.path) \(r.typeName)"
        let trainable =
            r.parameters == 0 ? "" : r.trainableParameters == r.parameters ? "yes" : r.trainableParameters == 0 ? "no" : "partly"
        return [
            name, r.inputShape.map(Format.shape) ?? "—", r.outputShape.map(Format.shape) ?? "—", Format.count(r.parameters),
            trainable, r.layerGroups.map(String.init).joined(separator: ","),
        ]
    }

    var totals: [String] {
        [
            "Total params: \(Format.count(summary.totalParameters))",
            "Trainable params: \(Format.count(summary.trainableParameters))",
            "Non-trainable params: \(Format.count(summary.totalParameters - summary.trainableParameters))",
            "Body: \(Format.count(facts.params.body)) · Head: \(Format.count(facts.params.head)) · nf = \(facts.nf)",
            "Layer groups: "
                + facts.layerGroups.enumerated().map { "\($0.offset): \($0.element.leaves) leaves, \(Format.count($0.element.params)) params" }
                .joined(separator: " · "),
            "Input \(Format.shape(summary.inputShape)) → output \(Format.shape(summary.outputShape))",
        ] + (facts.weights.map { ["Weights: \($0)"] } ?? [])
    }

    func text() -> String {
        let body = rows.map { cells($0, indent: true) }
        let table = TextTable(headers: Self.headers, rows: body, rightAligned: [3]).render()
        let rule = String(repeating: "=", count: table.split(separator: "\n").first?.count ?? 40)
        return "\(facts.arch) create_cnn, \(facts.classes) classes\n\(rule)\n\(table)\(rule)\n" + totals.joined(separator: "\n") + "\n"
    }

    func markdown() -> String {
        let escape = { (s: String) in s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + Self.headers.joined(separator: " | ") + " |\n|---|---|---|--:|---|---|\n"
        for r in rows {
            var c = cells(r, indent: false)
            c[0] = String(repeating: "&nbsp;&nbsp;", count: r.depth) + "`\(r.path)` \(r.typeName)"
            out += "| " + c.map(escape).joined(separator: " | ") + " |\n"
        }
        return out + "\n" + totals.map { "- \($0)" }.joined(separator: "\n") + "\n"
    }

    func csv() -> String {
        let header = "path,type,depth,input_shape,output_shape,params,trainable_params,layer_groups\n"
        return header
            + rows.map { r in
                [
                    r.path, r.typeName, String(r.depth), r.inputShape.map(Format.shape) ?? "", r.outputShape.map(Format.shape) ?? "",
                    String(r.parameters), String(r.trainableParameters), r.layerGroups.map(String.init).joined(separator: " "),
                ].map(Format.csvField).joined(separator: ",")
            }.joined(separator: "\n") + "\n"
    }

    func json() -> String {
        struct Row: Encodable {
            var path: String, type: String, depth: Int, input_shape: [Int]?, output_shape: [Int]?
            var params: Int, trainable_params: Int, layer_groups: [Int]
        }
        struct Document: Encodable {
            var facts: CNNFacts
            var rows: [Row]
            func encode(to encoder: Encoder) throws {
                try facts.encode(to: encoder)
                var c = encoder.container(keyedBy: K.self)
                try c.encode(rows, forKey: .layers)
            }
            enum K: String, CodingKey { case layers }
        }
        let doc = Document(
            facts: facts,
            rows: rows.map {
                Row(
                    path: $0.path, type: $0.typeName, depth: $0.depth, input_shape: $0.inputShape, output_shape: $0.outputShape,
                    params: $0.parameters, trainable_params: $0.trainableParameters, layer_groups: $0.layerGroups)
            })
        return Format.json(doc) + "\n"
    }
}
