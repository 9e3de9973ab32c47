/// Finds where lesson bytes are not UTF-8, at the line and column cmark would give them.
///
/// Lines end at LF, CRLF or a lone CR (cmark's rule), columns count bytes from 1. A sequence is
/// valid only in the shortest form the Unicode standard allows (its table 3-7): no overlong
/// forms (`C0 AF` for `/`), no UTF-16 surrogates (`ED A0 80`), nothing above U+10FFFF, and no
/// sequence cut short. Each check walks the bytes once.
enum UTF8Check {
    /// The first invalid sequence on a line.
    struct Problem: Sendable, Equatable {
        var line: Int
        var column: Int
        /// What is wrong, for the reader: `byte 0xC0 starts an overlong encoding`.
        var reason: String
    }

    /// The first invalid sequence of every line that has one, in order.
    static func problems(_ bytes: [UInt8]) -> [Problem] {
        var found: [Problem] = []
        var line = 1
        var lineStart = 0
        var reportedLine = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                if b == 0x0A || b == 0x0D {
                    if b == 0x0D, i < bytes.count, bytes[i] == 0x0A { i += 1 }
                    line += 1
                    lineStart = i
                }
                continue
            }
            switch sequence(bytes, at: i) {
            case .valid(let length):
                i += length
            case .invalid(let length, let reason):
                if reportedLine != line {
                    found.append(Problem(line: line, column: i - lineStart + 1, reason: reason))
                    reportedLine = line
                }
                // Never past a line ending: a cut-short sequence stops before the byte that broke it.
                i += length
            }
        }
        return found
    }

    enum Sequence: Equatable {
        case valid(Int)
        /// How many bytes to skip (the maximal invalid part, at least 1) and why it is invalid.
        case invalid(Int, String)
    }

    /// The multi-byte sequence starting at `i` (whose first byte is not ASCII).
    static func sequence(_ bytes: [UInt8], at i: Int) -> Sequence {
        let lead = bytes[i]
        let hex = "0x" + String(lead, radix: 16, uppercase: true)
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0x80...0xBF: return .invalid(1, "byte \(hex) continues a sequence that never started")
        case 0xC0, 0xC1: return .invalid(1, "byte \(hex) starts an overlong encoding (a longer form of an ASCII character)")
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, low) = (3, 0xA0)
        case 0xED: (length, high) = (3, 0x9F)
        case 0xE1...0xEF: length = 3
        case 0xF0: (length, low) = (4, 0x90)
        case 0xF4: (length, high) = (4, 0x8F)
        case 0xF1...0xF3: length = 4
        case 0xF5...0xF7: return .invalid(1, "byte \(hex) starts a code point above U+10FFFF")
        default: return .invalid(1, "byte \(hex) never appears in UTF-8")
        }
        for k in 1..<length {
            guard i + k < bytes.count else {
                return .invalid(k, "the \(length)-byte sequence starting with \(hex) is cut short by the end of the file")
            }
            let next = bytes[i + k]
            let (min, max) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            if next >= min && next <= max { continue }
            if k == 1 && next >= 0x80 && next <= 0xBF {
                let second = "0x" + String(next, radix: 16, uppercase: true)
                switch lead {
                case 0xE0, 0xF0: return .invalid(1, "bytes \(hex) \(second) start an overlong encoding")
                case 0xED: return .invalid(1, "bytes \(hex) \(second) start a UTF-16 surrogate (U+D800–U+DFFF), which UTF-8 does not allow")
                default: return .invalid(1, "bytes \(hex) \(second) start a code point above U+10FFFF")
                }
            }
            return .invalid(k, "the \(length)-byte sequence starting with \(hex) is cut short after \(k) byte\(k == 1 ? "" : "s")")
        }
        return .valid(length)
    }
}
