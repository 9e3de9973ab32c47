/// The escaping rules of cmark's HTML renderer, so that ``HTMLRenderer`` matches it byte
/// for byte.
public enum HTMLEscaping {
    /// Escapes text for HTML content and attribute values: `&`, `<`, `>` and `"`.
    public static func escapeText(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Escapes a URL for an `href`/`src` attribute like cmark's `houdini_escape_href`: bytes
    /// outside a safe set become `%XX`, `&` becomes `&amp;` and `'` becomes `&#x27;`.
    static func escapeURL(_ url: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(url.utf8.count)
        for byte in url.utf8 {
            if isURLSafe(byte) {
                bytes.append(byte)
            } else if byte == UInt8(ascii: "&") {
                bytes += Array("&amp;".utf8)
            } else if byte == UInt8(ascii: "'") {
                bytes += Array("&#x27;".utf8)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether a URL starts with a scheme that can run code or read local files:
    /// `javascript:`, `vbscript:`, `file:`, or `data:` other than PNG, GIF, JPEG and WebP
    /// images. Case-insensitive, like cmark's `_scan_dangerous_url`.
    static func isDangerousURL(_ url: String) -> Bool {
        // ASCII-only lowering, as cmark's scanner: no Unicode letter counts as part of a scheme.
        let lowered = String(
            String.UnicodeScalarView(
                url.unicodeScalars.prefix(16).map { scalar in
                    ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
                }))
        for safe in ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"]
        where lowered.hasPrefix(safe) {
            return false
        }
        return ["javascript:", "vbscript:", "file:", "data:"].contains { lowered.hasPrefix($0) }
    }

    /// cmark's `HREF_SAFE` table: ASCII letters, digits and `-_.+!*(),%#@?=;:/$~`.
    private static func isURLSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("-_.+!*(),%#@?=;:/$~".utf8).contains(byte)
        }
    }
}
