import LessonKit

/// The model built so far as an SVG: the input and the body's stages in one band, the head's
/// layers and the output in a second, each box with its shape; boxes a step added are highlighted.
///
/// Pure layout of `Pipeline` values (shapes the steps measured); no tensor is touched. The SVG
/// has a `<title>` and a `<desc>` spelling the chain out for screen readers, and styles itself
/// through classes (`box`, `new`, `band`, …) that the site and deck stylesheets define.
public struct PipelineDiagram: Sendable {
    public var pipeline: Pipeline
    /// The stages that were there before this step; the others are highlighted as new.
    public var previous: Pipeline
    /// Boxes per row (7 fits a page column, 4 a slide's half).
    public var columns: Int
    /// Makes the SVG's ids unique on a page (`d3` → `d3-title`, `d3-arrow`).
    public var idPrefix: String
    /// What the diagram shows, first line of its accessible title (`After step 3: create_body`).
    public var title: String

    public init(pipeline: Pipeline, previous: Pipeline, columns: Int = 7, idPrefix: String, title: String) {
        self.pipeline = pipeline
        self.previous = previous
        self.columns = max(1, columns)
        self.idPrefix = idPrefix
        self.title = title
    }

    static let pad = 12, boxW = 124, boxH = 66, gapX = 22, rowGap = 26, bandTitle = 26, bandGap = 30

    /// One box: its lines and its role.
    struct Box {
        var main: String, sub: String, shape: String, full: String
        var role: String
        var isNew: Bool
    }

    static let headKinds: Set<PipelineStage.Kind> = [.pool, .flatten, .batchNorm, .dropout, .linear, .activation, .output]

    /// The two bands as boxes: input + body stages, then head layers + output.
    func bands() -> [(title: String, boxes: [Box])] {
        let old = Set(previous.stages.map { "\($0.kind.rawValue)|\($0.label)|\($0.shape ?? [])" })
        func isNew(_ s: PipelineStage) -> Bool { !old.contains("\(s.kind.rawValue)|\(s.label)|\(s.shape ?? [])") }
        func split(_ label: String) -> (String, String) {
            guard let space = label.firstIndex(of: " ") else { return (label, "") }
            return (String(label[..<space]), String(label[label.index(after: space)...]))
        }
        let stages = pipeline.stages
        let hasStages = stages.contains { $0.kind == .bodyStage }
        var body: [Box] = []
        var bodyOut = ""
        var head: [Box] = []
        for s in stages {
            let shape = s.shape.map(Format.dims) ?? ""
            let full = s.label + (shape.isEmpty ? "" : " " + shape)
            switch s.kind {
            case .input: body.append(Box(main: "input", sub: s.label, shape: shape, full: "input " + full, role: "io", isNew: isNew(s)))
            case .bodyStage:
                let (name, type) = split(s.label)
                let (main, sub) = Int(name) != nil ? (type, "model[0][\(name)]") : (name, type)
                body.append(Box(main: main, sub: sub, shape: shape, full: "\(sub) \(main) \(shape)", role: "body", isNew: isNew(s)))
            case .body:
                bodyOut = shape
                if !hasStages { body.append(Box(main: "body", sub: "", shape: shape, full: full, role: "body", isNew: isNew(s))) }
            case .pool: head.append(Box(main: s.label, sub: "model[1][0]", shape: shape, full: "model[1][0] " + full, role: "head", isNew: isNew(s)))
            case .output: head.append(Box(main: "output", sub: s.label, shape: shape, full: "output " + full, role: "io", isNew: isNew(s)))
            default:
                let (index, type) = split(s.label)
                let sub = Int(index) != nil ? "model[1][\(index)]" : index
                let main = type.isEmpty ? index : type
                head.append(
                    Box(main: main, sub: type.isEmpty ? "" : sub, shape: shape, full: "\(sub) \(main) \(shape)", role: "head", isNew: isNew(s)))
            }
        }
        if let last = head.last, last.role != "io" {
            head.append(Box(main: "output", sub: "scores", shape: last.shape, full: "output: \(last.shape) scores", role: "io", isNew: last.isNew))
        }
        var out: [(String, [Box])] = []
        if !body.isEmpty { out.append(("model[0] · body" + (bodyOut.isEmpty ? "" : " → \(bodyOut)"), body)) }
        if !head.isEmpty { out.append(("model[1] · head", head)) }
        return out
    }

    /// The chain in words, for `<desc>`.
    public var description: String {
        let all = bands().flatMap(\.boxes)
        let chain = all.map(\.full).joined(separator: " → ")
        let new = all.filter(\.isNew).map(\.full)
        return chain + (new.isEmpty ? ". Nothing new in this step." : ". New in this step: " + new.joined(separator: ", ") + ".")
    }

    /// The SVG element, or an empty string when there is nothing to draw yet.
    public func svg() -> String {
        let bands = bands()
        guard !bands.isEmpty else { return "" }
        let p = Self.pad, w = Self.boxW, h = Self.boxH
        let perRow = min(columns, bands.map(\.boxes.count).max() ?? 1)
        let width = 2 * p + perRow * w + (perRow - 1) * Self.gapX + 2 * 8
        var parts: [String] = []
        var centers: [(x: Int, top: Int, bottom: Int, row: Int)] = []
        var y = p
        var row = 0
        for (bi, band) in bands.enumerated() {
            let rows = (band.boxes.count + perRow - 1) / perRow
            let bandHeight = Self.bandTitle + rows * h + (rows - 1) * Self.rowGap + 10
            parts.append("<g class=\"band band-\(bi == 0 && band.boxes.first?.role != "head" ? "body" : "head")\">")
            parts.append("<rect class=\"band-bg\" x=\"\(p)\" y=\"\(y)\" width=\"\(width - 2 * p)\" height=\"\(bandHeight)\" rx=\"10\"/>")
            parts.append("<text class=\"band-title\" x=\"\(width - p - 10)\" y=\"\(y + 18)\">\(HTMLText.escape(band.title))</text>")
            for (i, box) in band.boxes.enumerated() {
                let bx = p + 8 + (i % perRow) * (w + Self.gapX)
                let by = y + Self.bandTitle + (i / perRow) * (h + Self.rowGap)
                centers.append((bx + w / 2, by, by + h, row + i / perRow))
                parts.append(boxSVG(box, x: bx, y: by))
            }
            parts.append("</g>")
            y += bandHeight + Self.bandGap
            row += rows
        }
        let height = y - Self.bandGap + p
        var arrows: [String] = []
        for (a, b) in zip(centers, centers.dropFirst()) {
            if a.row == b.row {
                arrows.append(
                    "<path class=\"edge\" d=\"M\(a.x + w / 2) \(a.top + h / 2)H\(b.x - w / 2 - 2)\" marker-end=\"url(#\(idPrefix)-arrow)\"/>")
            } else {
                let mid = a.bottom + (b.top - a.bottom) / 2
                arrows.append("<path class=\"edge\" d=\"M\(a.x) \(a.bottom)V\(mid)H\(b.x)V\(b.top - 2)\" marker-end=\"url(#\(idPrefix)-arrow)\"/>")
            }
        }
        return """
            <svg class="pipeline" role="img" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" \
            aria-labelledby="\(idPrefix)-title \(idPrefix)-desc" xmlns="http://www.w3.org/2000/svg">
            <title id="\(idPrefix)-title">\(HTMLText.escape(title))</title>
            <desc id="\(idPrefix)-desc">\(HTMLText.escape(description))</desc>
            <defs><marker id="\(idPrefix)-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">\
            <path class="arrowhead" d="M0 0L10 5L0 10z"/></marker></defs>
            \((parts + arrows).joined(separator: "\n"))
            </svg>
            """
    }

    func boxSVG(_ box: Box, x: Int, y: Int) -> String {
        let cx = x + Self.boxW / 2
        func clip(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(n - 1)) + "…" : s }
        var lines = [
            "<g class=\"box \(box.role)\(box.isNew ? " new" : "")\"><title>\(HTMLText.escape(box.full + (box.isNew ? " (new)" : "")))</title>",
            "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(Self.boxW)\" height=\"\(Self.boxH)\" rx=\"6\"/>",
            "<text class=\"main\" x=\"\(cx)\" y=\"\(y + 21)\">\(HTMLText.escape(clip(box.main, 14)))</text>",
        ]
        if !box.sub.isEmpty { lines.append("<text class=\"sub\" x=\"\(cx)\" y=\"\(y + 38)\">\(HTMLText.escape(clip(box.sub, 17)))</text>") }
        if !box.shape.isEmpty { lines.append("<text class=\"shape\" x=\"\(cx)\" y=\"\(y + 57)\">\(HTMLText.escape(clip(box.shape, 15)))</text>") }
        return lines.joined() + "</g>"
    }
}
