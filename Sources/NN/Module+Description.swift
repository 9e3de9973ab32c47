/// PyTorch's printed form of a module tree (`print(model)`).
extension Module: CustomStringConvertible {
    public var description: String {
        let extraLines = extraRepr.isEmpty ? [] : extraRepr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let childLines = namedChildren.map { "(\($0.name)): " + Self.indent($0.module.description, by: 2) }
        var text = typeName + "("
        if extraLines.count == 1 && childLines.isEmpty {
            text += extraLines[0]
        } else if !(extraLines + childLines).isEmpty {
            text += "\n  " + (extraLines + childLines).joined(separator: "\n  ") + "\n"
        }
        return text + ")"
    }

    /// PyTorch's `_addindent`: every line but the first moves right.
    private static func indent(_ s: String, by spaces: Int) -> String {
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1 else { return s }
        let pad = String(repeating: " ", count: spaces)
        return ([String(lines[0])] + lines.dropFirst().map { pad + $0 }).joined(separator: "\n")
    }
}
