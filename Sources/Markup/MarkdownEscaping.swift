/// Puts computed text into Markdown so that it reads back literally.
///
/// Use it whenever a value (a shape, a file name, a model's output, a user's string) goes
/// into a Markdown document: `"Loss: " + MarkdownEscaping.escape(text)`.
public enum MarkdownEscaping {
    /// Characters that mean something inline somewhere (CommonMark or GitHub), always escaped.
    ///
    /// `{`/`}` keep template placeholders (`{{x}}`) literal, `|` keeps table cells intact,
    /// `~` and `$` stop GitHub's strikethrough and math.
    private static let alwaysEscaped: Set<Unicode.Scalar> = [
        "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "{", "}", "~", "&", "$",
    ]
    /// Characters that only start a block (list item, setext underline) at a line start.
    private static let escapedAtStart: Set<Unicode.Scalar> = ["-", "+", "="]

    /// Escapes `text` so that, parsed as inline Markdown, it is exactly `text` again.
    ///
    /// ASCII punctuation with a meaning gets a backslash; line endings and whitespace at the
    /// ends become numeric character references (`&#10;`, `&#32;`), so the result is always a
    /// single line and safe inside a paragraph, list item, heading or table cell. The only
    /// loss is U+0000, which CommonMark turns into U+FFFD.
    public static func escape(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let firstKept = scalars.firstIndex { !isBlank($0) } ?? scalars.count
        let lastKept = scalars.lastIndex { !isBlank($0) } ?? -1
        // A leading run of digits then `.` or `)` would start an ordered list.
        let digits = scalars.prefix { $0.properties.numericType != nil && $0.isASCII }.count

        var result = ""
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\n" || scalar == "\r" || (isBlank(scalar) && (index < firstKept || index > lastKept)) {
                result += "&#\(scalar.value);"
            } else if alwaysEscaped.contains(scalar)
                || (index == 0 && escapedAtStart.contains(scalar))
                || (index == digits && digits > 0 && (scalar == "." || scalar == ")"))
            {
                result += "\\"
                result.unicodeScalars.append(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A code span showing `code` literally: the backtick fence is longer than any run of
    /// backticks inside, and a space pads the code when it starts or ends with a backtick.
    ///
    /// Line endings become spaces (as CommonMark would show them anyway). In a table cell,
    /// pass `inTableCell: true` so that `|` is written `\|`; a backslash directly before a pipe
    /// cannot be written in a GitHub table cell at all. Empty code gives an empty string,
    /// since CommonMark has no empty code span.
    public static func codeSpan(_ code: String, inTableCell: Bool = false) -> String {
        var text = ""
        var longestRun = 0
        var run = 0
        for character in code {
            if character == "`" {
                run += 1
                longestRun = max(longestRun, run)
            } else {
                run = 0
            }
            if character == "\n" || character == "\r" || character == "\r\n" {
                text += " "
            } else if inTableCell && character == "|" {
                text += "\\|"
            } else {
                text.append(character)
            }
        }
        guard !text.isEmpty else { return "" }
        let fence = String(repeating: "`", count: longestRun + 1)
        let allSpaces = text.allSatisfy { $0 == " " }
        let needsPadding =
            text.hasPrefix("`") || text.hasSuffix("`")
            || (!allSpaces && text.hasPrefix(" ") && text.hasSuffix(" "))
        return needsPadding ? "\(fence) \(text) \(fence)" : "\(fence)\(text)\(fence)"
    }

    /// Whether `scalar` is one of the ASCII punctuation characters CommonMark lets you escape.
    static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// Whitespace cmark strips at the ends of a line or paragraph.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\u{0B}", "\u{0C}", "\n", "\r": return true
        default: return false
        }
    }
}
