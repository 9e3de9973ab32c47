import Markup

/// Escaping for text LearnerLens puts into HTML and SVG itself (titles, labels, code, attributes).
///
/// Lesson Markdown goes through `HTMLRenderer`; everything else a page shows passes through here,
/// so no string from a lesson or a fact can become markup.
public enum HTMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`: safe in element content and in quoted attributes.
    public static func escape(_ text: String) -> String {
        // cmark's rules (the same escaper the Markdown renderer uses), plus `'` for single-quoted attributes.
        HTMLEscaping.escapeText(text).replacingOccurrences(of: "'", with: "&#39;")
    }

    /// A file name stem made safe for a site: ASCII letters, digits, `-` and `_` only (no dot, so
    /// it can neither name a hidden file, leave the site's folder, nor collide with `x.slides`).
    public static func fileStem(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_".unicodeScalars.contains(scalar))
            out += ok ? String(scalar) : "-"
        }
        while out.hasPrefix("-") { out.removeFirst() }
        return out.isEmpty ? "lesson" : out
    }
}
