/// Python syntax highlighting for the fastai lines a lesson shows, as HTML `<span>`s.
///
/// A small tokenizer, not a parser: comments, strings (with prefixes and triple quotes),
/// numbers, keywords, built-ins and called names each get a class; everything is escaped.
/// Good enough for one-line fastai calls, and it never drops or reorders a character.
public enum PythonHighlighter {
    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]
    static let builtins: Set<String> = [
        "print", "len", "list", "dict", "set", "tuple", "range", "int", "float", "str", "bool", "isinstance", "super",
        "zip", "map", "filter", "sum", "min", "max", "abs", "type", "getattr", "setattr", "enumerate", "sorted",
    ]

    /// The code as highlighted HTML (no surrounding `<pre>`).
    public static func html(_ code: String) -> String {
        let chars = Array(code)
        var out = ""
        var i = 0
        func span(_ cls: String, _ text: String) { out += "<span class=\"\(cls)\">\(HTMLText.escape(text))</span>" }
        while i < chars.count {
            let c = chars[i]
            if c == "#" {
                let end = chars[i...].firstIndex(of: "\n") ?? chars.count
                span("cm", String(chars[i..<end]))
                i = end
            } else if let end = stringEnd(chars, at: i) {
                span("st", String(chars[i..<end]))
                i = end
            } else if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j].isLetter || chars[j] == "." || chars[j] == "_" { j += 1 }
                span("nu", String(chars[i..<j]))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                let word = String(chars[i..<j])
                var k = j
                while k < chars.count, chars[k] == " " { k += 1 }
                let called = k < chars.count && chars[k] == "("
                let afterDot = i > 0 && chars[i - 1] == "."
                if keywords.contains(word) && !afterDot {
                    span("kw", word)
                } else if builtins.contains(word) && !afterDot {
                    span("bi", word)
                } else if called {
                    span("fn", word)
                } else {
                    out += HTMLText.escape(word)
                }
                i = j
            } else {
                out += HTMLText.escape(String(c))
                i += 1
            }
        }
        return out
    }

    /// Where a string literal starting at `i` ends (exclusive), prefixes like `f`/`rb` included;
    /// nil when no string starts there. An unterminated string runs to the end of the line.
    static func stringEnd(_ chars: [Character], at i: Int) -> Int? {
        var q = i
        while q < chars.count, q - i < 2, "rRbBuUfF".contains(chars[q]) { q += 1 }
        guard q < chars.count, chars[q] == "'" || chars[q] == "\"" else { return nil }
        if q > i, i > 0, chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_" { return nil }
        let quote = chars[q]
        let triple = q + 2 < chars.count && chars[q + 1] == quote && chars[q + 2] == quote
        let raw = chars[i..<q].contains { $0 == "r" || $0 == "R" }
        var j = q + (triple ? 3 : 1)
        while j < chars.count {
            if chars[j] == "\\" && !raw {
                j += 2
                continue
            }
            if triple {
                if j + 2 < chars.count, chars[j] == quote, chars[j + 1] == quote, chars[j + 2] == quote { return j + 3 }
            } else {
                if chars[j] == quote { return j + 1 }
                if chars[j] == "\n" { return j }
            }
            j += 1
        }
        return chars.count
    }
}
