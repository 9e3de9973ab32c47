import Markup

/// Small helpers steps use to put facts into Markdown safely.
enum MD {
    /// A literal value as a code span (shapes, names, code).
    static func code(_ s: String) -> String { MarkdownEscaping.codeSpan(s) }

    /// Text that must read literally (type names, user strings).
    static func text(_ s: String) -> String { MarkdownEscaping.escape(s) }

    /// A GitHub pipe table; cells are Markdown already (use `code`/`text` for values).
    static func table(_ headers: [String], _ rows: [[String]], right: Set<Int> = []) -> String {
        let delimiter = headers.indices.map { right.contains($0) ? "--:" : "---" }
        return ([headers, delimiter] + rows).map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n") + "\n"
    }

    /// A shape as a code span: `[1, 64, 32, 32]`.
    static func shape(_ value: FactValue?) -> String { code(value?.prose ?? "—") }

    /// A number as prose (thousands separators from five digits on).
    static func number(_ value: FactValue?) -> String { value?.prose ?? "—" }

    /// The pipeline line as a code span.
    static func pipeline(_ value: FactValue?) -> String {
        guard case .text(let line)? = value, !line.isEmpty else { return "" }
        return "Pipeline so far: " + code(line) + "\n"
    }

    /// The items of a list fact.
    static func items(_ value: FactValue?) -> [FactValue] {
        if case .list(let items)? = value { return items }
        return []
    }
}

extension FactValue {
    /// A member's prose, or a dash.
    subscript(_ key: String) -> String { member(key)?.prose ?? "—" }
}
